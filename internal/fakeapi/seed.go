package fakeapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"
)

const timeFormat = time.RFC3339

// Sample data ids (see the package doc).
const (
	SampleInstance        = "ins-demo"
	SampleNamespace       = "platform"
	SampleNamespaceID     = 1
	SamplePolicyID        = 7
	SampleExecutionID     = 113 // latest finished execution: 250 tasks, some Failed
	SampleEmptyExecution  = 114 // newest, InProgress, no tasks
	SampleDryRunExecution = 112
	SampleOldExecution    = 111
	SampleTaskCount       = 250
	SampleOtherNamespace  = "tools"
	SampleOtherPolicyID   = 9
	SampleOtherExecution  = 101

	// The account around ins-demo (see the package doc): ins-shared, running, with
	// more namespaces than one page holds, and ins-staging, still being created.
	SampleSandboxNamespace  = "sandbox" // ins-demo's namespace without any policy
	SampleSharedInstance    = "ins-shared"
	SampleSharedNamespaces  = 120 // base-images, apps and 118 ci-cache-NNN
	SampleStagingInstance   = "ins-staging"
	SampleSharedBasePolicy  = 31
	SampleSharedAppsPolicy  = 32
	SampleStagingPolicyID   = 41
	SampleSharedBaseExec    = 401
	SampleSharedAppsExec    = 402
	SampleSharedAppsRunning = 403
	SampleStagingExecution  = 501

	// ins-shared's policies in the conditions an account audit reports
	// (cases.go), on ci-cache-001 to ci-cache-006 in this order, each with two
	// daily runs first (411-412, 421-422, ...) and then its case.
	SampleStalePolicy         = 33 // the newest finished real run ended StaleAge ago
	SampleDryRunOnlyPolicy    = 34 // dry runs only
	SampleNeverRanPolicy      = 35 // no run at all
	SampleStuckPolicy         = 36 // a run InProgress since StuckAge ago (463, the last made)
	SampleRulesDisabledPolicy = 37 // every rule disabled
	SampleWeakRulesPolicy     = 38 // keeps the latest 2 or 3 days of every tag alike
)

// demoShift moves ins-demo's runs, generated from 2024-01-01 on, to the days
// before DataNow: 114 starts ten minutes before it, 113 ended the evening before.
const demoShift = 178 * 24 * time.Hour

// sampleCases are the policies of ins-shared put in a case.
var sampleCases = []struct {
	policyID int64
	name     string
	c        Case
}{
	{SampleStalePolicy, "keep-latest-10", CaseStale},
	{SampleDryRunOnlyPolicy, "keep-latest-10", CaseDryRunOnly},
	{SampleNeverRanPolicy, "keep-latest-10", CaseNeverRan},
	{SampleStuckPolicy, "keep-latest-10", CaseStuck},
	{SampleRulesDisabledPolicy, "keep-latest-10", CaseRulesDisabled},
	{SampleWeakRulesPolicy, "keep-latest-2", CaseWeakRules},
}

// GenerateTasks returns n realistic tasks of an execution. The same inputs always
// give the same output: ids ascending and unique, repositories "team-%d/app-%d",
// 24-hex-character job ids, mostly Succeed with some Failed, InProgress, Stopped,
// Pending and Initialized, status_code consistent with the status, RFC 3339 UTC
// times (end_time "" while not final) and retained <= total.
func GenerateTasks(executionID int64, n int, seed int64) []Task {
	return generateTasks(executionID, n, seed, false)
}

// generateTasks with finalOnly draws only final statuses (Succeed, Failed, Stopped).
func generateTasks(executionID int64, n int, seed int64, finalOnly bool) []Task {
	if n <= 0 {
		return []Task{}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(executionID)^0x9e3779b97f4a7c15)) //nolint:gosec // G404: sample data must be reproducible from its seed, not unpredictable
	hours := executionID % 20000
	if hours < 0 {
		hours = -hours
	}
	cursor := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(hours) * time.Hour)
	id := 1000 + rng.Int64N(9000)
	tasks := make([]Task, n)
	for i := range tasks {
		id += 1 + rng.Int64N(3)
		cursor = cursor.Add(time.Duration(1+rng.IntN(5)) * time.Second)
		start := cursor
		var job [12]byte
		for j := range job {
			job[j] = byte(rng.UintN(256)) //nolint:gosec // G115: UintN(256) is below 256, so it fits a byte
		}
		t := Task{
			ID:             id,
			ExecutionID:    executionID,
			Repository:     fmt.Sprintf("team-%d/app-%d", 1+rng.IntN(8), 1+rng.IntN(40)),
			JobID:          hex.EncodeToString(job[:]),
			Status:         pickStatus(rng, finalOnly),
			StatusRevision: start.Unix(),
			StartTime:      start.Format(timeFormat),
		}
		total := 1 + rng.Int64N(60)
		switch t.Status {
		case "Initialized", "Pending":
			t.StatusCode = 0
		case "InProgress":
			t.StatusCode = 2
			t.Total = total
		default:
			t.StatusCode = 3
			t.EndTime = start.Add(time.Duration(1+rng.IntN(90)) * time.Second).Format(timeFormat)
			t.Total = total
			t.Retained = rng.Int64N(total + 1)
		}
		tasks[i] = t
	}
	return tasks
}

func pickStatus(rng *rand.Rand, finalOnly bool) string {
	if finalOnly {
		switch roll := rng.IntN(100); {
		case roll < 88:
			return "Succeed"
		case roll < 96:
			return "Failed"
		default:
			return "Stopped"
		}
	}
	switch roll := rng.IntN(100); {
	case roll < 80:
		return "Succeed"
	case roll < 88:
		return "Failed"
	case roll < 92:
		return "InProgress"
	case roll < 95:
		return "Stopped"
	case roll < 98:
		return "Pending"
	default:
		return "Initialized"
	}
}

// SeedSample loads the demo data described in the package doc. It replaces what
// the instances "ins-demo", "ins-shared" and "ins-staging" held.
func (s *Server) SeedSample() {
	s.mu.Lock()
	delete(s.instances, SampleInstance)
	delete(s.instances, SampleSharedInstance)
	delete(s.instances, SampleStagingInstance)
	s.mu.Unlock()
	s.seedAccount()

	repoScope := func() map[string][]Selector {
		return map[string][]Selector{"repository": {{Kind: "doublestar", Decoration: "repoMatches", Pattern: "**"}}}
	}
	s.SetPolicies(SampleInstance, []Policy{
		{
			ID: SamplePolicyID, Name: "platform-keep-latest-10", Enabled: true,
			NamespaceID: SampleNamespaceID, NamespaceName: SampleNamespace, Algorithm: "or",
			Rules: []PolicyRule{{
				ID: 1, Action: "retain", Template: "latestPushedK",
				Params:         map[string]any{"latestPushedK": 10},
				TagSelectors:   []Selector{{Kind: "doublestar", Decoration: "excludes", Pattern: "release-*"}},
				ScopeSelectors: repoScope(), RepoScopeMode: "regular",
			}},
			Trigger: PolicyTrigger{Type: "scheduled", TriggerSettings: TriggerSettings{Cron: "0 0 2 * * *"}},
		},
		{
			ID: SampleOtherPolicyID, Name: "tools-30-days", Enabled: false,
			NamespaceID: 2, NamespaceName: SampleOtherNamespace, Algorithm: "or",
			Rules: []PolicyRule{{
				ID: 2, Action: "retain", Template: "nDaysSinceLastPush",
				Params:         map[string]any{"nDaysSinceLastPush": 30},
				TagSelectors:   []Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "**"}},
				ScopeSelectors: repoScope(), RepoScopeMode: "regular",
			}},
			Trigger: PolicyTrigger{Type: "manual"},
		},
	})

	key := func(ns string, policy, exec int64) ExecutionKey {
		return ExecutionKey{InstanceID: SampleInstance, Namespace: ns, PolicyID: policy, ExecutionID: exec}
	}
	t113 := shiftTasks(generateTasks(SampleExecutionID, SampleTaskCount, SampleExecutionID, true), demoShift)
	t112 := shiftTasks(generateTasks(SampleDryRunExecution, 30, SampleDryRunExecution, true), demoShift)
	t111 := shiftTasks(generateTasks(SampleOldExecution, 40, SampleOldExecution, true), demoShift)
	t101 := shiftTasks(generateTasks(SampleOtherExecution, 12, SampleOtherExecution, true), demoShift)
	for _, ts := range [][]Task{t112, t111, t101} {
		for i := range ts { // finished executions that succeeded: no failed tasks
			if ts[i].Status != "Succeed" {
				ts[i].Status = "Succeed"
			}
		}
	}
	span := func(ts []Task) (string, string) { _, a, b := summarize(ts); return a, b }
	s113a, s113b := span(t113)
	s112a, s112b := span(t112)
	s111a, s111b := span(t111)
	s101a, s101b := span(t101)
	status113, _, _ := summarize(t113)
	s114 := DataNow.Add(-10 * time.Minute).Format(timeFormat)

	s.SetExecutions(SampleInstance, SampleNamespace, SamplePolicyID, []Execution{
		{ID: SampleEmptyExecution, DryRun: false, Status: "InProgress", Trigger: "manual", StartTime: s114},
		{ID: SampleExecutionID, Status: status113, Trigger: "scheduled", StartTime: s113a, EndTime: s113b},
		{ID: SampleDryRunExecution, DryRun: true, Status: "Succeed", Trigger: "manual", StartTime: s112a, EndTime: s112b},
		{ID: SampleOldExecution, Status: "Succeed", Trigger: "scheduled", StartTime: s111a, EndTime: s111b},
	})
	s.SetExecutions(SampleInstance, SampleOtherNamespace, SampleOtherPolicyID, []Execution{
		{ID: SampleOtherExecution, Status: "Succeed", Trigger: "manual", StartTime: s101a, EndTime: s101b},
	})
	s.SetTasks(key(SampleNamespace, SamplePolicyID, SampleDryRunExecution), t112)
	s.SetTasks(key(SampleNamespace, SamplePolicyID, SampleOldExecution), t111)
	s.SetTasks(key(SampleOtherNamespace, SampleOtherPolicyID, SampleOtherExecution), t101)
	s.SetTasks(key(SampleNamespace, SamplePolicyID, SampleEmptyExecution), nil)

	// The sub-tasks of 113's failed tasks: one deletion that failed, and 0 to 2 that
	// succeeded. Harbor counts retained as total minus the deletions that succeeded
	// (src/pkg/retention/job.go), so each failed task's counts follow from its
	// sub-tasks: total - retained is the number of succeeded deletions.
	subID := int64(50000)
	for ti, t := range t113 {
		if t.Status != "Failed" {
			continue
		}
		n := 1 + int(t.ID%3)
		subs := make([]SubTask, n)
		deleted := int64(0)
		start, _ := time.Parse(timeFormat, t.StartTime)
		for i := range subs {
			subID++
			tag := fmt.Sprintf("v1.%d.%d", t.ID%17, i)
			digest := sha256.Sum256([]byte(t.Repository + ":" + tag))
			sub := SubTask{
				ID: subID, JobID: t.ID, Namespace: SampleNamespace, Repository: t.Repository,
				Tag: tag, Digest: "sha256:" + hex.EncodeToString(digest[:]), Action: "DEL",
				Status: "Succeed", OpTime: start.Add(time.Duration(i+1) * time.Second).Format(timeFormat),
			}
			if i == 0 {
				sub.Status = "Failed"
				sub.StatusText = "failed to delete the artifact: the registry answered 500 Internal Server Error"
			} else {
				deleted++
			}
			subs[i] = sub
		}
		t113[ti].Total = max(t.Total, int64(n))
		t113[ti].Retained = t113[ti].Total - deleted
		s.SetSubTasks(key(SampleNamespace, SamplePolicyID, SampleExecutionID), t.ID, subs)
	}
	s.SetTasks(key(SampleNamespace, SamplePolicyID, SampleExecutionID), t113)
}

// healthyRuns gives a policy two finished real runs, newest first: ids firstExec+1
// (today at 02:00, before DataNow) and firstExec (yesterday at 02:00), each of
// tasks tasks, every one Succeed.
func (s *Server) healthyRuns(instanceID, namespace string, policyID, firstExec int64, tasks int) {
	today := DataNow.Truncate(24 * time.Hour).Add(2 * time.Hour)
	execs := make([]Execution, 0, 2)
	for k, id := range []int64{firstExec + 1, firstExec} {
		ts := generateTasks(id, tasks, id, true)
		for i := range ts {
			ts[i].Status = "Succeed"
		}
		ts = runAt(ts, today.Add(-time.Duration(k)*24*time.Hour))
		_, start, end := summarize(ts)
		execs = append(execs, Execution{ID: id, Status: "Succeed", Trigger: "scheduled", StartTime: start, EndTime: end})
		s.SetTasks(ExecutionKey{InstanceID: instanceID, Namespace: namespace, PolicyID: policyID, ExecutionID: id}, ts)
	}
	s.SetExecutions(instanceID, namespace, policyID, execs)
}

// runAt returns a copy of tasks moved so that the first starts at start.
func runAt(tasks []Task, start time.Time) []Task {
	if len(tasks) == 0 {
		return tasks
	}
	first, err := time.Parse(time.RFC3339Nano, tasks[0].StartTime)
	if err != nil {
		return tasks
	}
	return shiftTasks(tasks, start.Sub(first))
}
