package fakeapi

import (
	"fmt"
	"strings"
	"time"
)

// Conditions an account audit must report, which the fake can put on any policy
// (SetCase; swr-fake -case). The sample data shows each on a policy of its own
// (SeedSample); the switch puts one on any other policy, e.g. of a generated
// account. Ages are counted back from DataNow, the present of the stored data.

// Case is one condition a policy can be put in.
type Case string

const (
	CaseFailed        Case = "failed"         // the newest finished real run Failed, with failed tasks
	CaseStale         Case = "stale"          // scheduled, and the newest finished real run ended StaleAge ago
	CaseDryRunOnly    Case = "dry-run-only"   // every run a dry run (one is added when there is none)
	CaseNeverRan      Case = "never-ran"      // no run at all
	CaseStuck         Case = "stuck"          // a run InProgress since StuckAge ago, newest, without tasks
	CaseRulesDisabled Case = "rules-disabled" // every rule disabled
	CaseWeakRules     Case = "weak-rules"     // keeps the latest 2 or 3 days of every tag alike
)

// Cases lists every Case, for flags and tests.
var Cases = []Case{CaseFailed, CaseStale, CaseDryRunOnly, CaseNeverRan, CaseStuck, CaseRulesDisabled, CaseWeakRules}

// Ages of CaseStale and CaseStuck before DataNow: well past any sensible
// threshold of an audit (weeks for a daily policy's silence, hours to a day for a
// run that does not end), so that the sample's findings do not hang on defaults.
const (
	StaleAge = 40 * 24 * time.Hour
	StuckAge = 3 * 24 * time.Hour
)

// Weak rules (CaseWeakRules): what they keep, for tests that state a requirement
// above it.
const (
	WeakRulesLatestK = 2
	WeakRulesDays    = 3
)

// ParseCase reads a case's name.
func ParseCase(name string) (Case, error) {
	for _, c := range Cases {
		if string(c) == name {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown case %q: use one of %s", name, JoinNames(Cases))
}

// SetCase puts policy policyID of instanceID in condition c. The policy is
// enabled as well (an audit judges enabled policies). It fails on an unknown
// instance or policy, on a policy id that two namespaces share, and on a case
// that needs a finished real run (failed, stale) the policy does not have.
func (s *Server) SetCase(instanceID string, policyID int64, c Case) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.instances[instanceID]
	if inst == nil {
		return fmt.Errorf("instance %s not found", instanceID)
	}
	var p *policyState
	for _, cand := range inst.policies {
		if cand.meta.ID != policyID {
			continue
		}
		if p != nil {
			return fmt.Errorf("instance %s has policy %d in two namespaces (%s, %s): name one with a unique id", instanceID, policyID, p.namespace, cand.namespace)
		}
		p = cand
	}
	if p == nil {
		return fmt.Errorf("instance %s has no policy %d", instanceID, policyID)
	}
	apply, ok := caseSetters[c]
	if !ok {
		_, err := ParseCase(string(c))
		return err
	}
	if err := apply(inst, p); err != nil {
		return fmt.Errorf("case %s on policy %d of instance %s: %w", c, policyID, instanceID, err)
	}
	p.meta.Enabled = true
	return nil
}

// caseSetters put a policy in a case; they run with s.mu held and replace what
// they change (stored slices and maps are never mutated).
var caseSetters = map[Case]func(*instanceState, *policyState) error{
	CaseFailed:        setFailed,
	CaseStale:         setStale,
	CaseDryRunOnly:    setDryRunOnly,
	CaseNeverRan:      func(_ *instanceState, p *policyState) error { p.execs = nil; return nil },
	CaseStuck:         setStuck,
	CaseRulesDisabled: setRulesDisabled,
	CaseWeakRules:     setWeakRules,
}

// newestFinishedReal is the index of the newest finished real run of p (-1: none).
func newestFinishedReal(p *policyState) int {
	for i, e := range p.execs {
		if !e.meta.DryRun && finalStatus(e.meta.Status) {
			return i
		}
	}
	return -1
}

func finalStatus(s string) bool { return s == "Succeed" || s == "Failed" || s == "Stopped" }

// setFailed fails the newest finished real run: every fifth of its tasks (at
// least one; one is added when it has none) Failed, and the run Failed.
func setFailed(_ *instanceState, p *policyState) error {
	i := newestFinishedReal(p)
	if i < 0 {
		return fmt.Errorf("no finished real run to fail")
	}
	e := copyExec(p, i)
	tasks := append([]Task(nil), e.tasks...)
	if len(tasks) == 0 {
		tasks = generateTasks(e.meta.ID, 1, e.meta.ID, true)
	}
	for k := range tasks {
		if k%5 == 0 {
			tasks[k].Status, tasks[k].StatusCode = "Failed", 3
			if tasks[k].EndTime == "" {
				tasks[k].EndTime = tasks[k].StartTime
			}
		}
	}
	setTasksLocked(e, tasks)
	e.meta.Status = "Failed"
	return nil
}

// setStale drops the runs newer than the newest finished real run and moves the
// others back so that it ended StaleAge before DataNow; the policy runs on a
// schedule (daily at 02:00 when it had none).
func setStale(_ *instanceState, p *policyState) error {
	i := newestFinishedReal(p)
	if i < 0 {
		return fmt.Errorf("no finished real run to age")
	}
	end, err := time.Parse(time.RFC3339Nano, p.execs[i].meta.EndTime)
	if err != nil {
		return fmt.Errorf("execution %d has no end time to age from", p.execs[i].meta.ID)
	}
	d := DataNow.Add(-StaleAge).Sub(end)
	p.execs = p.execs[i:]
	for k := range p.execs {
		shiftExec(copyExec(p, k), d)
	}
	if p.meta.Trigger.Type != "scheduled" {
		p.meta.Trigger = PolicyTrigger{Type: "scheduled", TriggerSettings: TriggerSettings{Cron: "0 0 2 * * *"}}
	}
	return nil
}

// setDryRunOnly makes every run a dry run; a policy without runs gets one,
// finished a day before DataNow, without tasks.
func setDryRunOnly(inst *instanceState, p *policyState) error {
	if len(p.execs) == 0 {
		start := DataNow.Add(-24 * time.Hour)
		newExecutionLocked(p, maxExecutionID(inst.policies)+1, "manual", true, start.Format(timeFormat))
		p.execs[0].meta.Status, p.execs[0].meta.EndTime = "Succeed", start.Add(time.Minute).Format(timeFormat)
		return nil
	}
	for k := range p.execs {
		copyExec(p, k).meta.DryRun = true
	}
	return nil
}

// setStuck starts a scheduled run StuckAge before DataNow that never ends, as
// Harbor keeps a run it cannot finish InProgress.
func setStuck(inst *instanceState, p *policyState) error {
	e := newExecutionLocked(p, maxExecutionID(inst.policies)+1, "scheduled", false, DataNow.Add(-StuckAge).Format(timeFormat))
	setTasksLocked(e, []Task{})
	return nil
}

func setRulesDisabled(_ *instanceState, p *policyState) error {
	meta := clonePolicy(p.meta)
	if len(meta.Rules) == 0 {
		meta.Rules = placeholderPolicy(p.meta.ID, &nsState{name: p.namespace}).Rules
	}
	for k := range meta.Rules {
		meta.Rules[k].Disabled = true
	}
	p.meta = meta
	return nil
}

// setWeakRules: keep the latest WeakRulesLatestK, or what was pushed in the last
// WeakRulesDays days, of every tag alike: below any sensible minimum of versions
// or days, with no rule of its own for release tags.
func setWeakRules(_ *instanceState, p *policyState) error {
	scope := map[string][]Selector{"repository": {{Kind: "doublestar", Decoration: "repoMatches", Pattern: "**"}}}
	all := []Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "**"}}
	meta := clonePolicy(p.meta)
	meta.Algorithm = "or"
	meta.Rules = []PolicyRule{
		{ID: p.meta.ID*10 + 1, Action: "retain", Template: "latestPushedK", Params: map[string]any{"latestPushedK": WeakRulesLatestK},
			TagSelectors: all, ScopeSelectors: scope, RepoScopeMode: "regular"},
		{ID: p.meta.ID*10 + 2, Priority: 1, Action: "retain", Template: "nDaysSinceLastPush", Params: map[string]any{"nDaysSinceLastPush": WeakRulesDays},
			TagSelectors: all, ScopeSelectors: scope, RepoScopeMode: "regular"},
	}
	p.meta = clonePolicy(meta)
	return nil
}

// copyExec replaces p.execs[i] by a copy (and p.execs by a new slice) and
// returns the copy, to change without touching what a listing may hold.
func copyExec(p *policyState, i int) *execState {
	execs := append([]*execState(nil), p.execs...)
	e := *execs[i]
	execs[i] = &e
	p.execs = execs
	return &e
}

// shiftExec moves an execution, its tasks and its sub-tasks by d.
func shiftExec(e *execState, d time.Duration) {
	e.meta.StartTime, e.meta.EndTime = shiftTime(e.meta.StartTime, d), shiftTime(e.meta.EndTime, d)
	setTasksLocked(e, shiftTasks(e.tasks, d))
	if len(e.subtasks) > 0 {
		subs := make(map[int64][]SubTask, len(e.subtasks))
		for id, list := range e.subtasks {
			moved := append([]SubTask(nil), list...)
			for k := range moved {
				moved[k].OpTime = shiftTime(moved[k].OpTime, d)
			}
			subs[id] = moved
		}
		e.subtasks = subs
	}
}

// shiftTasks returns a copy of tasks moved by d (status revisions with them).
func shiftTasks(tasks []Task, d time.Duration) []Task {
	out := append(make([]Task, 0, len(tasks)), tasks...)
	for k := range out {
		out[k].StartTime, out[k].EndTime = shiftTime(out[k].StartTime, d), shiftTime(out[k].EndTime, d)
		if out[k].StatusRevision != 0 {
			out[k].StatusRevision += int64(d / time.Second)
		}
	}
	return out
}

// shiftTime moves a stored RFC 3339 time by d; "" and what does not parse stay.
func shiftTime(stored string, d time.Duration) string {
	t, err := time.Parse(time.RFC3339Nano, stored)
	if err != nil {
		return stored
	}
	return t.Add(d).UTC().Format(time.RFC3339Nano)
}

// caseOfPolicy names the cases a policy shows, for Describe ("" when none).
func caseOfPolicy(p *policyState) string {
	var out []string
	active := 0
	for _, r := range p.meta.Rules {
		if !r.Disabled {
			active++
		}
	}
	if p.meta.Enabled && active == 0 {
		out = append(out, "every rule disabled")
	}
	if p.meta.Enabled && len(p.execs) == 0 {
		out = append(out, "never ran")
	}
	ranForReal := false
	for _, e := range p.execs {
		ranForReal = ranForReal || !e.meta.DryRun
	}
	if p.meta.Enabled && len(p.execs) > 0 && !ranForReal {
		out = append(out, "dry runs only")
	}
	return strings.Join(out, ", ")
}
