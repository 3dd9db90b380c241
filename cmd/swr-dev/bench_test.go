package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e/bench"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// BENCH_AUDIT_SIZES: the default is the two sizes of the goal, none skips the
// audit, a bad spec names the variable.
func TestParseAuditSizes(t *testing.T) {
	sizes, err := parseAuditSizes(defaultAuditSizes())
	if err != nil || !reflect.DeepEqual(sizes, bench.DefaultAuditSizes) {
		t.Fatalf("default: %v %v", sizes, err)
	}
	if sizes, err := parseAuditSizes(" none "); err != nil || sizes != nil {
		t.Errorf("none: %v %v", sizes, err)
	}
	sizes, err = parseAuditSizes("instances=1,namespaces=2,policies=2,runs=1,tasks=5")
	if err != nil || !reflect.DeepEqual(sizes, []fakeapi.AccountSpec{{Instances: 1, Namespaces: 2, Policies: 2, Runs: 1, Tasks: 5}}) {
		t.Errorf("one size: %v %v", sizes, err)
	}
	if _, err := parseAuditSizes("instances=1,namespaces=2 big"); err == nil || !strings.Contains(err.Error(), "BENCH_AUDIT_SIZES") {
		t.Errorf("a bad size: %v", err)
	}
}
