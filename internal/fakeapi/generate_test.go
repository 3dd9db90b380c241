package fakeapi_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

func generated(t *testing.T, spec fakeapi.AccountSpec) []viewInstance {
	t.Helper()
	s, base := fakeapi.Start(t, testConfig())
	if err := s.Generate(spec); err != nil {
		t.Fatal(err)
	}
	return readAccount(t, base)
}

// The same spec gives the same account, as a client reads it; another seed
// another one of the same size.
func TestGenerate_DeterministicForASeed(t *testing.T) {
	spec := fakeapi.AccountSpec{Instances: 2, Namespaces: 5, Policies: 7, Runs: 2, Tasks: 30, Failure: 0.5, Seed: 11}
	a, b := generated(t, spec), generated(t, spec)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same spec gave two accounts")
	}
	spec.Seed++
	c := generated(t, spec)
	if reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same account")
	}
	if len(c) != len(a) || len(c[0].Policies) != len(a[0].Policies) {
		t.Fatal("another seed gave another size")
	}
}

// Sizes as asked: instances running, namespaces per instance, the policies dealt
// in turn, runs newest first a day apart, tasks per run; failure 0 fails
// nothing, failure 1 fails the newest run of every policy and only that one.
func TestGenerate_Sizes(t *testing.T) {
	for _, failure := range []float64{0, 1} {
		spec := fakeapi.AccountSpec{Instances: 3, Namespaces: 120, Policies: 181, Runs: 3, Tasks: 150, Failure: failure, Seed: 5}
		account := generated(t, spec)
		if len(account) != 3 {
			t.Fatalf("%d instances", len(account))
		}
		policies := 0
		for i, inst := range account {
			if inst.ID != fakeapi.GeneratedInstance(i+1) || inst.Status != "Running" || len(inst.Namespaces) != 120 {
				t.Fatalf("instance %s %s, %d namespaces", inst.ID, inst.Status, len(inst.Namespaces))
			}
			if want := 60 + btoi(i == 0); len(inst.Policies) != want { // 181 = 3 x 60 + 1
				t.Errorf("%s: %d policies, want %d", inst.ID, len(inst.Policies), want)
			}
			for _, p := range inst.Policies {
				policies++
				if !p.Enabled || p.Trigger.Type != "scheduled" || len(p.Executions) != 3 {
					t.Fatalf("policy %+v: %d runs", p.Policy, len(p.Executions))
				}
				for r, e := range p.Executions {
					tasks := p.Tasks[e.ID]
					failed := 0
					for _, tk := range tasks {
						if tk.Status == "Failed" {
							failed++
						}
					}
					wantFailed := failure == 1 && r == 0
					if len(tasks) != 150 || e.DryRun || e.Status == "InProgress" || (failed > 0) != wantFailed || (e.Status == "Failed") != wantFailed {
						t.Fatalf("%s policy %d run %d (%d of 3): %s, %d tasks, %d failed", inst.ID, p.ID, e.ID, r, e.Status, len(tasks), failed)
					}
					if r > 0 && parsed(t, e.StartTime).Add(24*time.Hour) != parsed(t, p.Executions[r-1].StartTime) {
						t.Fatalf("runs %d and %d are not a day apart", e.ID, p.Executions[r-1].ID)
					}
				}
			}
		}
		if policies != 181 {
			t.Errorf("%d policies", policies)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A middle failure rate fails about that share of policies.
func TestGenerate_FailureRate(t *testing.T) {
	account := generated(t, fakeapi.AccountSpec{Instances: 2, Namespaces: 100, Policies: 200, Runs: 1, Tasks: 3, Failure: 0.25, Seed: 9})
	failed := 0
	for _, inst := range account {
		for _, p := range inst.Policies {
			if p.Executions[0].Status == "Failed" {
				failed++
			}
		}
	}
	if failed < 30 || failed > 70 {
		t.Errorf("%d of 200 policies failed at a rate of 0.25", failed)
	}
}

func TestParseAccountSpec(t *testing.T) {
	text := "instances=5,namespaces=200,policies=750,runs=2,tasks=200,failure=0.1,seed=1"
	spec, err := fakeapi.ParseAccountSpec(text)
	want := fakeapi.AccountSpec{Instances: 5, Namespaces: 200, Policies: 750, Runs: 2, Tasks: 200, Failure: 0.1, Seed: 1}
	if err != nil || spec != want || spec.String() != text {
		t.Fatalf("%+v %v; %s", spec, err, spec.String())
	}
	for text, msg := range map[string]string{
		"instances=0,namespaces=1":                                      "instances must be 1 to 100",
		"instances=1,namespaces=0":                                      "namespaces must be at least 1",
		"instances=2,namespaces=3,policies=7":                           "policies must be 0 to instances x namespaces (6)",
		"instances=1,namespaces=1,runs=-1":                              "must not be negative",
		"instances=1,namespaces=1,failure=2":                            "failure is a share from 0 to 1",
		"instances=1,namespaces=1,colour=blue":                          `unknown name "colour"`,
		"instances=1,namespaces=1,instances=2":                          "instances given twice",
		"instances=one":                                                 `instances="one" is not a number`,
		"instances":                                                     "is not name=value",
		"instances=100,namespaces=100,policies=10000,runs=10,tasks=100": "above 5000000",
	} {
		if _, err := fakeapi.ParseAccountSpec(text); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", text, err, msg)
		}
	}
}
