package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// dataFlags add to the data the fake serves: a generated account, policies put
// in the conditions an audit reports, and the instant the data is shown as of.
type dataFlags struct {
	generate string // an AccountSpec, "" for none
	spec     fakeapi.AccountSpec
	cases    caseFlags
	asOf     string // now, stored or an RFC 3339 time
}

// caseFlag is one -case: a policy and the condition to put it in.
type caseFlag struct {
	c        fakeapi.Case
	instance string
	policy   int64
}

// caseFlags is the repeatable -case flag.
type caseFlags []caseFlag

func (c *caseFlags) String() string {
	parts := make([]string, len(*c))
	for i, f := range *c {
		parts[i] = fmt.Sprintf("%s=%s/%d", f.c, f.instance, f.policy)
	}
	return strings.Join(parts, " ")
}

// Set reads KIND=INSTANCE/POLICY_ID.
func (c *caseFlags) Set(v string) error {
	kind, target, ok := strings.Cut(v, "=")
	instance, policy, ok2 := strings.Cut(target, "/")
	if !ok || !ok2 || instance == "" {
		return fmt.Errorf("%q is not KIND=INSTANCE/POLICY_ID (e.g. stale=%s/%d)", v, fakeapi.SampleInstance, fakeapi.SamplePolicyID)
	}
	k, err := fakeapi.ParseCase(kind)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(policy, 10, 64)
	if err != nil || id < 1 {
		return fmt.Errorf("%q: the policy id %q is not a positive number", v, policy)
	}
	*c = append(*c, caseFlag{c: k, instance: instance, policy: id})
	return nil
}

func addDataFlags(fs *flag.FlagSet, d *dataFlags) {
	fs.StringVar(&d.generate, "generate", "", "also serve a generated account: name=value pairs of "+
		"instances, namespaces (per instance), policies (of the account), runs (per policy), tasks (per run), failure (share of failed policies, 0-1) and seed, "+
		`e.g. "instances=5,namespaces=200,policies=750,runs=2,tasks=200,failure=0.1,seed=1" (instances ins-gen-01...)`)
	fs.Var(&d.cases, "case", "put a policy in a condition an audit reports, KIND=INSTANCE/POLICY_ID (repeatable); KIND is one of "+
		fakeapi.JoinNames(fakeapi.Cases))
	fs.StringVar(&d.asOf, "as-of", "now", `show the data as of this instant: "now" (the sample's runs of yesterday ran yesterday), `+
		`"stored" (as stored: the sample's present is `+fakeapi.DataNow.Format(time.RFC3339)+`) or an RFC 3339 time`)
}

// check reads what the flags hold.
func (d *dataFlags) check() error {
	if d.generate != "" {
		spec, err := fakeapi.ParseAccountSpec(d.generate)
		if err != nil {
			return fmt.Errorf("-generate: %w", err)
		}
		d.spec = spec
	}
	if _, err := d.asOfTime(time.Now()); err != nil {
		return err
	}
	return nil
}

// asOfTime is the instant -as-of names, now given; the zero time for "stored".
func (d *dataFlags) asOfTime(now time.Time) (time.Time, error) {
	switch d.asOf {
	case "now":
		return now, nil
	case "stored":
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, d.asOf)
	if err != nil {
		return time.Time{}, fmt.Errorf(`-as-of must be "now", "stored" or an RFC 3339 time, not %q`, d.asOf)
	}
	return t, nil
}

// apply generates the account, puts the policies in their cases and sets the
// instant the data is shown as of.
func (d *dataFlags) apply(fake *fakeapi.Server, now time.Time) error {
	if d.generate != "" {
		if err := fake.Generate(d.spec); err != nil {
			return fmt.Errorf("-generate: %w", err)
		}
	}
	for _, c := range d.cases {
		if err := fake.SetCase(c.instance, c.policy, c.c); err != nil {
			return fmt.Errorf("-case %s=%s/%d: %w", c.c, c.instance, c.policy, err)
		}
	}
	at, err := d.asOfTime(now)
	if err != nil {
		return err
	}
	fake.SetAsOf(at)
	return nil
}

// printData writes the banner lines of the data flags.
func printData(w io.Writer, d dataFlags) {
	if d.generate != "" {
		fmt.Fprintf(w, "  generated account: %s (instances %s to %s)\n", d.spec, fakeapi.GeneratedInstance(1), fakeapi.GeneratedInstance(d.spec.Instances))
	}
	for _, c := range d.cases {
		fmt.Fprintf(w, "  case: policy %d of %s is %s\n", c.policy, c.instance, c.c)
	}
	if d.asOf == "stored" {
		fmt.Fprintf(w, "  times as stored (the data's present is %s)\n", fakeapi.DataNow.Format(time.RFC3339))
	} else {
		fmt.Fprintf(w, "  times shown as of %s (stored as of %s)\n", d.asOf, fakeapi.DataNow.Format(time.RFC3339))
	}
}
