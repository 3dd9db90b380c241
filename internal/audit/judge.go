package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// judge adds to r what one audited instance holds: its policies' rows, its
// namespaces without an enabled policy, and every finding.
func (acc *instanceAccount) judge(r *Report, opts Options) {
	covered := map[string]bool{}
	for _, p := range acc.policies {
		if p.Enabled {
			covered[p.NamespaceName] = true
		}
	}
	for _, ns := range acc.namespaces {
		if covered[ns.Name] {
			continue
		}
		r.NamespacesWithoutEnabledPolicy = append(r.NamespacesWithoutEnabledPolicy, NamespaceRef{InstanceID: acc.instance.ID, Namespace: ns.Name})
		r.Findings = append(r.Findings, Finding{Kind: NamespaceWithoutEnabledPolicy, InstanceID: acc.instance.ID, Namespace: ns.Name,
			Message: fmt.Sprintf("namespace %s of instance %s: no enabled retention policy cleans it up", ns.Name, instanceText(acc.instance))})
	}
	for _, p := range acc.policies {
		row := Policy{InstanceID: acc.instance.ID, Namespace: p.NamespaceName, ID: p.ID, Name: p.Name, Enabled: p.Enabled, Trigger: p.Trigger.Type}
		if p.Enabled {
			j := policyJudge{acc: acc, policy: p, runs: acc.runs[p.ID], opts: opts}
			r.Findings = append(r.Findings, j.findings(&row)...)
		}
		r.Policies = append(r.Policies, row)
	}
}

// policyJudge judges one enabled policy.
type policyJudge struct {
	acc    *instanceAccount
	policy client.Policy
	runs   *policyRuns
	opts   Options
}

// finding is a finding of the policy, its message prefixed with the policy.
func (j policyJudge) finding(kind Kind, exec *client.Execution, repos []string, format string, args ...any) Finding {
	f := Finding{Kind: kind, InstanceID: j.acc.instance.ID, Namespace: j.policy.NamespaceName, PolicyID: j.policy.ID,
		PolicyName: j.policy.Name, Repositories: repos,
		Message: fmt.Sprintf("policy %s (%d) of namespace %s of instance %s: ", j.policy.Name, j.policy.ID, j.policy.NamespaceName,
			instanceText(j.acc.instance)) + fmt.Sprintf(format, args...)}
	if exec != nil {
		f.ExecutionID, f.ExecutionStatus = exec.ID, exec.Status
	}
	return f
}

// findings fills in row from the policy's audited run and returns every finding
// of the policy.
func (j policyJudge) findings(row *Policy) []Finding {
	var out []Finding
	out = append(out, j.ruleFindings()...)
	out = append(out, j.stuckRuns()...)
	run := j.runs.audited
	if run == nil {
		return append(out, j.neverRan())
	}
	row.ExecutionID, row.ExecutionStatus, row.ExecutionEnd = run.ID, run.Status, run.EndTime
	failed := failedTasks(j.runs.tasks)
	row.FailedTasks = int64(len(failed))
	row.FailedRepositories = repositories(failed)
	if j.runs.allTasks {
		row.TasksRead = true
		row.TasksPerStatus = map[string]int64{}
		for _, t := range j.runs.tasks {
			row.VersionsRemoved += t.Total - t.Retained
			row.TasksPerStatus[t.Status]++
		}
	}
	if client.ExecutionStatuses.Failed(run.Status, run.Finished()) || len(failed) > 0 {
		detail := fmt.Sprintf("%d failed %s: %s", len(failed), plural(len(failed), "task", "tasks"), shortList(row.FailedRepositories, 5))
		if len(failed) == 0 {
			detail = "no task failed"
		}
		out = append(out, j.finding(FailedRun, run, row.FailedRepositories, "its newest finished run, execution %d, is %s (%s)", run.ID, run.Status, detail))
	}
	if f, ok := j.stale(run); ok {
		out = append(out, f)
	}
	return out
}

// failedTasks are the tasks that failed, as the provider's failed attribute
// says (client.StatusSet.Failed): Failed, or a status outside the documented
// ones once the task has finished, since an unknown end is a fact to report,
// never a success. Stopped is no failure.
func failedTasks(tasks []client.Task) []client.Task {
	var out []client.Task
	for _, t := range tasks {
		if client.TaskStatuses.Failed(t.Status, t.Finished()) {
			out = append(out, t)
		}
	}
	return out
}

// repositories are the tasks' repositories, sorted, each once.
func repositories(tasks []client.Task) []string {
	out := make([]string, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, t.Repository)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// neverRan is the finding of a policy without a finished real run: it says
// whether there were dry runs, or a real run still in progress.
func (j policyJudge) neverRan() Finding {
	var dry, running int
	for _, e := range j.runs.executions {
		switch {
		case e.DryRun && e.Status != "InProgress":
			dry++
		case !e.DryRun:
			running++
		}
	}
	switch {
	case dry > 0:
		return j.finding(NeverRan, nil, []string{}, "dry runs only (%d finished), no real run: it has never deleted anything", dry)
	case running > 0:
		return j.finding(NeverRan, nil, []string{}, "no finished run (%d in progress): it has never deleted anything", running)
	}
	return j.finding(NeverRan, nil, []string{}, "no finished run: it has never run")
}

// stale: an enabled scheduled policy whose audited run ended longer ago than
// StaleAfter. A run without an end time is judged by its start.
func (j policyJudge) stale(run *client.Execution) (Finding, bool) {
	if j.policy.Trigger.Type != "scheduled" {
		return Finding{}, false
	}
	ended, ok := parseTime(run.EndTime)
	if !ok {
		ended, ok = parseTime(run.StartTime)
	}
	now := j.opts.Now()
	if !ok {
		return j.finding(StalePolicy, run, []string{}, "its newest finished real run, execution %d, has no readable end or start time (%q, %q): when it last cleaned up cannot be told",
			run.ID, run.EndTime, run.StartTime), true
	}
	if now.Sub(ended) <= j.opts.StaleAfter {
		return Finding{}, false
	}
	return j.finding(StalePolicy, run, []string{}, "its newest finished real run, execution %d, ended %s ago (%s), longer than %s",
		run.ID, days(now.Sub(ended)), ended.UTC().Format(time.RFC3339), durationText(j.opts.StaleAfter)), true
}

// stuckRuns are the policy's runs InProgress for longer than StuckAfter.
func (j policyJudge) stuckRuns() []Finding {
	var out []Finding
	now := j.opts.Now()
	for i := range j.runs.executions {
		e := &j.runs.executions[i]
		if e.Status != "InProgress" {
			continue
		}
		kind := "run"
		if e.DryRun {
			kind = "dry run"
		}
		started, ok := parseTime(e.StartTime)
		if !ok {
			out = append(out, j.finding(StuckRun, e, []string{}, "%s %d is InProgress with no readable start time (%q): how long it has run cannot be told", kind, e.ID, e.StartTime))
			continue
		}
		if now.Sub(started) <= j.opts.StuckAfter {
			continue
		}
		out = append(out, j.finding(StuckRun, e, []string{}, "%s %d has been InProgress for %s (since %s), longer than %s",
			kind, e.ID, days(now.Sub(started)), started.UTC().Format(time.RFC3339), durationText(j.opts.StuckAfter)))
	}
	return out
}

// parseTime reads an API time as the provider does (client.ParseTime): empty,
// null and Harbor's zero time are no time, and so is one it cannot read.
func parseTime(s string) (time.Time, bool) {
	t, kind := client.ParseTime(s)
	return t, kind == client.TimeValid
}

// days is a long duration in whole days, or hours below two days.
func days(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%d hours", int64(d/time.Hour))
	}
	return fmt.Sprintf("%d days", int64(d/(24*time.Hour)))
}

// durationText is a threshold as the user wrote it, or in days when whole.
func durationText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return plural(int(d/(24*time.Hour)), "1 day", strconv.FormatInt(int64(d/(24*time.Hour)), 10)+" days")
	}
	return d.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// shortList is at most n of items, then how many more there are.
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
