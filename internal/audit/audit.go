// Package audit is the account-wide retention audit: from a client only, every
// running instance (or those named), their namespaces, retention policies and
// runs, and the findings a platform team acts on. It is plain Go on
// internal/client (no Terraform): the provider's swr_retention_audit only maps a
// Report onto state.
//
// What it reads, and nothing more (every list through the client's one pager,
// every request through the client's shared request gate):
//
//	instances                                   1 listing
//	per running instance audited                namespaces + retention policies
//	per enabled policy                          its executions
//	per enabled policy with a finished real run that run's tasks: every task when
//	                                            VersionsRemoved, else the Failed ones
//	                                            (the API's status filter)
//
// Instances are read concurrently, and so are the policies of all of them: the
// client's request gate (max_requests_in_flight) is the one bound.
package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// Kind is the kind of a finding, as the data source's findings carry it.
type Kind string

// The kinds of finding, in the order Kinds lists them.
const (
	// InstanceNotAudited: an instance whose status is not Running (still being
	// created, unavailable): its namespaces and policies were not read.
	InstanceNotAudited Kind = "instance_not_audited"
	// NamespaceWithoutEnabledPolicy: a namespace of an audited instance that no
	// enabled retention policy cleans up.
	NamespaceWithoutEnabledPolicy Kind = "namespace_without_enabled_policy"
	// FailedRun: the newest finished real run of an enabled policy failed, or one
	// of its tasks did, as client.StatusSet.Failed says: Failed, or finished with
	// a status outside the documented ones (such as Harbor's Error).
	FailedRun Kind = "failed_run"
	// StalePolicy: an enabled scheduled policy whose newest finished real run
	// ended longer ago than StaleAfter.
	StalePolicy Kind = "stale_policy"
	// NeverRan: an enabled policy without a finished real run: none at all, or
	// dry runs only.
	NeverRan Kind = "never_ran"
	// StuckRun: a run of an enabled policy InProgress for longer than StuckAfter.
	StuckRun Kind = "stuck_run"
	// NoActiveRule: an enabled policy whose every rule is disabled (or that has
	// none): it keeps nothing, or does nothing, depending on the registry.
	NoActiveRule Kind = "no_active_rule"
	// RulesBelowRequirement: an enabled policy whose rules keep less than the
	// Requirements ask for.
	RulesBelowRequirement Kind = "rules_below_requirement"
)

// Kinds are every kind of finding, in the order of the summary's documentation.
var Kinds = []Kind{
	NamespaceWithoutEnabledPolicy, FailedRun, StalePolicy, NeverRan, StuckRun,
	NoActiveRule, RulesBelowRequirement, InstanceNotAudited,
}

const (
	// DefaultStaleAfter is how long ago the newest finished real run of an enabled
	// scheduled policy may have ended: 8 days. Retention schedules are daily or
	// weekly; a weekly run plus a day of slack is never stale, while a daily one
	// that has silently stopped is reported within about a week. Set it lower for
	// daily-only accounts.
	DefaultStaleAfter = 8 * 24 * time.Hour
	// DefaultStuckAfter is how long a run may be InProgress: 24 hours. A retention
	// run deletes tags repository by repository and takes minutes to hours even on
	// large registries; one still running after a day has missed its next daily
	// schedule, and Harbor leaves a run without rules InProgress for ever.
	DefaultStuckAfter = 24 * time.Hour
)

// Options says what to audit and against which thresholds. The zero value audits
// every instance with the defaults and no requirements.
type Options struct {
	// InstanceIDs, when not empty, are the only instances audited; each must
	// exist (an id the account does not list is an error).
	InstanceIDs []string
	// StaleAfter and StuckAfter are the thresholds; 0 means the default.
	StaleAfter time.Duration
	StuckAfter time.Duration
	// Requirements are what every enabled policy's rules must keep.
	Requirements Requirements
	// VersionsRemoved reads every task of each audited run, to sum the versions it
	// removed; otherwise only the run's Failed tasks are read.
	VersionsRemoved bool
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Requirements are what the rules of every enabled policy must keep; the zero
// value requires nothing.
type Requirements struct {
	// MinVersionsKept: every active rule that keeps a number of versions
	// (latestPushedK, latestPulledN) keeps at least this many.
	MinVersionsKept int64
	// MinDaysKept: every active rule that keeps versions for a number of days
	// (nDaysSinceLastPush, nDaysSinceLastPull) keeps them at least this long.
	MinDaysKept int64
	// RequiredKeptTags: tag patterns (e.g. "release-*") that an active rule must
	// select: one whose tag selector matches exactly this pattern or "**".
	RequiredKeptTags []string
}

// Report is the result of an audit. Every list is sorted (see the types).
type Report struct {
	Instances                      []Instance
	Policies                       []Policy
	NamespacesWithoutEnabledPolicy []NamespaceRef
	Findings                       []Finding
	// Summary counts the findings of each kind, every kind of Kinds included.
	Summary map[Kind]int
}

// Instance is one instance the audit looked at: audited when Running.
type Instance struct {
	ID, Name, Status string
	Audited          bool
	// Namespaces and Policies count what an audited instance holds.
	Namespaces, Policies int
}

// NamespaceRef names one namespace.
type NamespaceRef struct {
	InstanceID, Namespace string
}

// Policy is one retention policy of an audited instance, with its audited run:
// the newest finished real run, for an enabled policy only.
type Policy struct {
	InstanceID, Namespace string
	ID                    int64
	Name                  string
	Enabled               bool
	Trigger               string
	// ExecutionID is the audited run; 0 when there is none (a disabled policy,
	// or one that never finished a real run).
	ExecutionID     int64
	ExecutionStatus string
	ExecutionEnd    string
	// FailedTasks counts the audited run's failed tasks (Failed, or finished
	// with a status outside the documented ones); FailedRepositories are theirs,
	// sorted.
	FailedTasks        int64
	FailedRepositories []string
	// TasksRead: every task of the audited run was read (VersionsRemoved), so
	// VersionsRemoved and TasksPerStatus are known.
	TasksRead       bool
	VersionsRemoved int64
	TasksPerStatus  map[string]int64
}

// Finding is one thing wrong, of one kind.
type Finding struct {
	Kind                  Kind
	InstanceID, Namespace string
	PolicyID              int64
	PolicyName            string
	ExecutionID           int64
	ExecutionStatus       string
	Repositories          []string
	// Message is one line that says what is wrong.
	Message string
}

// ReadError is a read the audit needed and could not make: it names the
// instance, namespace, policy or run, and wraps the client's error.
type ReadError struct {
	// What names what was read, e.g. `the retention policies of instance "ins-1"`.
	What string
	Err  error
}

func (e *ReadError) Error() string { return "reading " + e.What + ": " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// UnknownInstanceError is an instance named in InstanceIDs that the account does
// not list.
type UnknownInstanceError struct {
	ID    string
	Known []string
}

func (e *UnknownInstanceError) Error() string {
	return fmt.Sprintf("instance %q is not one of the account's instances (%s)", e.ID, strings.Join(e.Known, ", "))
}

// PolicyName names a policy in errors.
type PolicyName struct {
	InstanceID, Namespace string
	ID                    int64
}

func (p PolicyName) String() string {
	return fmt.Sprintf("policy %d of namespace %q of instance %q", p.ID, p.Namespace, p.InstanceID)
}

// Run audits the account the client reads.
func Run(ctx context.Context, c *client.Client, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	instances, err := selectInstances(ctx, c, opts.InstanceIDs)
	if err != nil {
		return nil, err
	}
	r := &Report{Summary: map[Kind]int{}}
	var running []client.Instance
	for _, inst := range instances {
		if inst.Status == "Running" {
			running = append(running, inst)
			continue
		}
		r.Instances = append(r.Instances, Instance{ID: inst.ID, Name: inst.Name, Status: inst.Status})
		r.Findings = append(r.Findings, Finding{Kind: InstanceNotAudited, InstanceID: inst.ID,
			Message: fmt.Sprintf("instance %s is %s, not Running: its namespaces and policies were not audited", instanceText(inst), statusText(inst.Status))})
	}
	accounts, err := readInstances(ctx, c, running, opts)
	if err != nil {
		return nil, err
	}
	for _, acc := range accounts {
		inst := acc.instance
		r.Instances = append(r.Instances, Instance{ID: inst.ID, Name: inst.Name, Status: inst.Status, Audited: true,
			Namespaces: len(acc.namespaces), Policies: len(acc.policies)})
		acc.judge(r, opts)
	}
	for i := range r.Findings {
		// Names, statuses and times come from the server: safe for a terminal.
		r.Findings[i].Message = client.Printable(r.Findings[i].Message)
	}
	r.sort()
	for _, k := range Kinds {
		r.Summary[k] = 0
	}
	for _, f := range r.Findings {
		r.Summary[f.Kind]++
	}
	return r, nil
}

func (o Options) withDefaults() Options {
	if o.StaleAfter <= 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	if o.StuckAfter <= 0 {
		o.StuckAfter = DefaultStuckAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// selectInstances lists the account's instances and keeps those asked for, in
// the API's order; an id asked for that the account does not list is an error.
func selectInstances(ctx context.Context, c *client.Client, ids []string) ([]client.Instance, error) {
	all, err := c.ListInstances(ctx, client.ListInstancesInput{})
	if err != nil {
		return nil, &ReadError{What: "the instances of the account", Err: err}
	}
	if len(ids) == 0 {
		return all, nil
	}
	byID := map[string]client.Instance{}
	known := make([]string, 0, len(all))
	for _, inst := range all {
		byID[inst.ID] = inst
		known = append(known, inst.ID)
	}
	slices.Sort(known)
	var out []client.Instance
	seen := map[string]bool{}
	for _, id := range ids {
		inst, ok := byID[id]
		if !ok {
			return nil, &UnknownInstanceError{ID: id, Known: known}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, inst)
		}
	}
	return out, nil
}

// instanceText names an instance in a message: its name and id.
func instanceText(inst client.Instance) string {
	if inst.Name == "" {
		return fmt.Sprintf("%q", inst.ID)
	}
	return fmt.Sprintf("%s (%s)", inst.Name, inst.ID)
}

func statusText(s string) string {
	if s == "" {
		return "without a status"
	}
	return s
}

// sort puts every list of the report in its documented order: by instance,
// namespace, policy id, then kind (in the order of Kinds), execution id and
// message.
func (r *Report) sort() {
	slices.SortFunc(r.Instances, func(a, b Instance) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(r.Policies, func(a, b Policy) int {
		return cmpChain(strings.Compare(a.InstanceID, b.InstanceID), strings.Compare(a.Namespace, b.Namespace), cmpInt(a.ID, b.ID))
	})
	slices.SortFunc(r.NamespacesWithoutEnabledPolicy, func(a, b NamespaceRef) int {
		return cmpChain(strings.Compare(a.InstanceID, b.InstanceID), strings.Compare(a.Namespace, b.Namespace))
	})
	slices.SortFunc(r.Findings, func(a, b Finding) int {
		return cmpChain(strings.Compare(a.InstanceID, b.InstanceID), strings.Compare(a.Namespace, b.Namespace), cmpInt(a.PolicyID, b.PolicyID),
			cmpInt(int64(slices.Index(Kinds, a.Kind)), int64(slices.Index(Kinds, b.Kind))), cmpInt(a.ExecutionID, b.ExecutionID),
			strings.Compare(a.Message, b.Message))
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpChain is the first non-zero comparison.
func cmpChain(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}
