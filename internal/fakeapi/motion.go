package fakeapi

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The API is live: listings move while they are read (the API notes' section
// "Lists that move while they are read", in the shared API README outside this
// repository, ../shared/api/README.md). A Motion makes one listing move as the
// real service's do, on a logical clock (the list requests served), never wall
// time, so that a test sees the same movement on every run.

// MotionKind is how a listing moves.
type MotionKind int

const (
	// MotionNone: nothing moves (the default).
	MotionNone MotionKind = iota
	// MotionTasksStart lists the execution's tasks in Harbor's order (start_time
	// DESC, id DESC; tasks not started last) and, every Every list requests, starts
	// the Pending task listed last (InProgress, start time newest: it moves to the
	// front) and finishes the task InProgress longest (Succeed, every third one
	// Failed). Once no task is Pending the rest finish, one a step.
	MotionTasksStart
	// MotionTasksFail fails one more task every Every list requests (the task
	// listed first that is not Failed yet), tasks in Harbor's order: a listing
	// filtered on status=Failed grows.
	MotionTasksFail
	// MotionSubTasksGrow adds one sub-task to the end of the task's sub-tasks every
	// Every list requests.
	MotionSubTasksGrow
	// MotionExecutionsStart starts a new execution (InProgress, trigger
	// "scheduled", newest first: at the front) every Every list requests.
	MotionExecutionsStart
	// MotionNeverStill, on every list request, adds a task at the front of the
	// execution's tasks and moves the task listed last there too: a listing that
	// grows and reorders faster than it can be read.
	MotionNeverStill
	// MotionPoliciesAdd adds a policy (to namespace Execution.Namespace) at the
	// front of the instance's policies every Every list requests: someone editing.
	MotionPoliciesAdd
	// MotionNamespacesAdd adds a namespace to the instance every Every list
	// requests, with an id below every other, so at the front of the listing (at
	// the end once no id is left below).
	MotionNamespacesAdd
	// MotionInstancesAdd adds an instance every Every list requests, with an id
	// that sorts before every other, so at the front of the listing.
	MotionInstancesAdd
	// MotionReplace, every Every list requests, deletes the item listed at place
	// At (0: the first) of the listing List and creates Created new ones (0 is 1)
	// where the API lists a new item: namespaces, policies and instances at the
	// end (a new id is the highest), executions at the front (newest first):
	// someone deleting and creating while the list is read (Harbor's sweeper
	// deletes executions). List is one of namespaces, policies, instances,
	// executions; Execution names the instance (namespaces, policies) or policy.
	MotionReplace
	// MotionLeave, every Every list requests, takes the item listed at place At
	// among those matching the filter out of it: of the execution's tasks the
	// InProgress one finishes (Succeed; in Harbor's order it stays in its place),
	// of the instances the Running one becomes Unavailable, of the instance's
	// namespaces the public one becomes private. List is one of tasks, instances,
	// namespaces.
	MotionLeave
)

var motionNames = []string{"none", "tasks-start", "tasks-fail", "subtasks-grow", "executions-start", "never-still",
	"policies-add", "namespaces-add", "instances-add", "replace", "leave"}

// MotionList names the listing MotionReplace and MotionLeave move.
type MotionList int

const (
	ListTasks MotionList = iota
	ListNamespaces
	ListPolicies
	ListInstances
	ListExecutions
)

var motionListNames = []string{"tasks", "namespaces", "policies", "instances", "executions"}

func (l MotionList) String() string { return enumName(l, motionListNames, "MotionList") }

// ParseMotionList reads a MotionList by its name.
func ParseMotionList(name string) (MotionList, error) {
	return parseEnum[MotionList](name, motionListNames, "motion list")
}

// MotionLists names the lists MotionReplace and MotionLeave each move.
var MotionLists = map[MotionKind][]MotionList{
	MotionReplace: {ListNamespaces, ListPolicies, ListInstances, ListExecutions},
	MotionLeave:   {ListTasks, ListInstances, ListNamespaces},
}

// ReplaceCase is one way MotionReplace changes a listing while it is read: with
// a total or without (Total), and how many items it creates for the one it
// deletes (Created).
type ReplaceCase struct {
	Name    string
	Total   TotalMode
	Created int
}

// ReplaceCases are the deletions and creations a read must miss nothing
// through, one set for the client's pager and the data sources' tests.
var ReplaceCases = []ReplaceCase{
	{"total, 1 deleted 1 created", TotalFiltered, 1},
	{"no total, 1 deleted 1 created", TotalAbsent, 1},
	{"total, 1 deleted 2 created", TotalFiltered, 2},
}

func (k MotionKind) String() string { return enumName(k, motionNames, "MotionKind") }

// ParseMotionKind reads a MotionKind by its name.
func ParseMotionKind(name string) (MotionKind, error) {
	return parseEnum[MotionKind](name, motionNames, "motion")
}

// Motion is one listing moving while it is read.
type Motion struct {
	Kind MotionKind
	// Every is the number of list requests between two steps (1: every request;
	// 0 is 1). MotionNeverStill steps on every request.
	Every int
	// Execution names the execution (tasks, sub-tasks) or, by its instance,
	// namespace and policy, the policy (executions).
	Execution ExecutionKey
	TaskID    int64 // MotionSubTasksGrow: the task whose sub-tasks grow
	// Pending, when > 0, first replaces the execution's tasks by that many Pending
	// tasks (GenerateTasks ids and repositories, nothing started): an execution
	// that has just begun.
	Pending int
	// Steps, when > 0, stops the motion after that many steps.
	Steps int
	// List, At, Created: the listing MotionReplace and MotionLeave move, the
	// place of the item they delete or take out of the filter, and how many
	// items MotionReplace creates a step (0 is 1).
	List    MotionList
	At      int
	Created int
}

// motionState is the motion in force and its logical clock.
type motionState struct {
	Motion
	requests, steps int
	highest         int64     // MotionReplace: the highest id it created, so that none is reused
	clock           time.Time // the start time of the next task that starts
}

// SetMotion makes a listing move from now on; the zero Motion stops every motion.
// It takes the write lock.
func (s *Server) SetMotion(m Motion) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Kind == MotionNone {
		s.motion = nil
		return
	}
	m.Every = max(1, m.Every)
	if m.Kind == MotionNeverStill {
		m.Every = 1
	}
	ms := &motionState{Motion: m, clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if m.Kind != MotionTasksStart && m.Kind != MotionTasksFail && m.Kind != MotionNeverStill && (m.Kind != MotionLeave || m.List != ListTasks) {
		s.motion = ms
		return
	}
	e := s.executionLocked(m.Execution)
	tasks := slices.Clone(e.tasks)
	if m.Pending > 0 {
		tasks = GenerateTasks(m.Execution.ExecutionID, m.Pending, 1)
		for i := range tasks {
			tasks[i].Status, tasks[i].StatusCode, tasks[i].StartTime, tasks[i].EndTime = "Pending", 0, "", ""
			tasks[i].JobID, tasks[i].StatusRevision, tasks[i].Total, tasks[i].Retained = "", 0, 0, 0
		}
	}
	for _, t := range tasks {
		if st, err := time.Parse(timeFormat, t.StartTime); err == nil && !st.Before(ms.clock) {
			ms.clock = st.Add(time.Second)
		}
	}
	s.storeTasksLocked(e, tasks)
	e.meta.Status = "InProgress"
	s.motion = ms
}

// MotionSteps reports how many steps the motion in force has taken.
func (s *Server) MotionSteps() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.motion == nil {
		return 0
	}
	return s.motion.steps
}

// tick advances the logical clock by one list request and moves the listing when
// a step is due. Every list call calls it before it reads the data. Without a
// motion it only takes the read lock, so that such listings never wait on one
// another.
func (s *Server) tick() {
	s.mu.RLock()
	moving := s.motion != nil
	s.mu.RUnlock()
	if !moving {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.motion // again: SetMotion may have stopped it meanwhile
	if ms == nil {
		return
	}
	if ms.requests++; ms.requests%ms.Every != 0 || ms.Steps > 0 && ms.steps >= ms.Steps {
		return
	}
	ms.steps++
	switch ms.Kind {
	case MotionTasksStart:
		s.stepTasksLocked(ms, startNextTask)
	case MotionTasksFail:
		s.stepTasksLocked(ms, failNextTask)
	case MotionNeverStill:
		s.stepTasksLocked(ms, churnTasks)
	case MotionSubTasksGrow:
		s.growSubTasksLocked(ms)
	case MotionExecutionsStart:
		s.startExecutionLocked(ms)
	case MotionPoliciesAdd:
		s.addPolicyLocked(ms)
	case MotionNamespacesAdd:
		s.addNamespaceLocked(ms)
	case MotionInstancesAdd:
		s.addInstanceLocked(ms)
	case MotionReplace:
		s.replaceLocked(ms)
	case MotionLeave:
		s.leaveLocked(ms)
	}
}

func (ms *motionState) now() string {
	t := ms.clock
	ms.clock = ms.clock.Add(time.Second)
	return t.Format(timeFormat)
}

// stepTasksLocked applies step to a copy of the execution's tasks (stored slices
// are replaced, never mutated) and stores them in Harbor's order.
func (s *Server) stepTasksLocked(ms *motionState, step func(ms *motionState, tasks []Task) []Task) {
	e := s.executionLocked(ms.Execution)
	tasks := step(ms, slices.Clone(e.tasks))
	s.storeTasksLocked(e, tasks)
	if status, _, end := summarize(tasks); status != "InProgress" {
		e.meta.Status, e.meta.EndTime = status, end
	}
}

func (s *Server) storeTasksLocked(e *execState, tasks []Task) {
	slices.SortStableFunc(tasks, harborOrder)
	setTasksLocked(e, tasks)
}

// harborOrder is Harbor's order of an execution's tasks: start_time DESC, then id
// DESC, tasks not started (no start time) last.
func harborOrder(a, b Task) int {
	switch {
	case a.StartTime == b.StartTime:
		return -cmp.Compare(a.ID, b.ID)
	case a.StartTime == "":
		return 1
	case b.StartTime == "":
		return -1
	case a.StartTime > b.StartTime:
		return -1
	}
	return 1
}

// startNextTask starts the Pending task listed last and finishes the one InProgress
// longest (the last InProgress in Harbor's order).
func startNextTask(ms *motionState, tasks []Task) []Task {
	now := ms.now()
	oldest := -1
	for i, t := range tasks {
		if t.Status == "InProgress" {
			oldest = i
		}
	}
	if oldest >= 0 {
		status := "Succeed"
		if ms.steps%3 == 0 {
			status = "Failed"
		}
		t := &tasks[oldest]
		t.Status, t.StatusCode, t.EndTime, t.Total, t.Retained = status, 3, now, 10, 4
	}
	for i := len(tasks) - 1; i >= 0; i-- {
		if t := &tasks[i]; t.Status == "Pending" || t.Status == "Initialized" {
			t.Status, t.StatusCode, t.StartTime, t.JobID = "InProgress", 2, now, fmt.Sprintf("%024x", t.ID)
			break
		}
	}
	return tasks
}

// failNextTask fails the task listed first that is not Failed yet.
func failNextTask(ms *motionState, tasks []Task) []Task {
	now := ms.now()
	for i := range tasks {
		if t := &tasks[i]; t.Status != "Failed" {
			if t.StartTime == "" {
				t.StartTime = now
			}
			t.Status, t.StatusCode, t.EndTime = "Failed", 3, now
			break
		}
	}
	return tasks
}

// churnTasks adds a task at the front and moves the task listed last there too.
func churnTasks(ms *motionState, tasks []Task) []Task {
	now := ms.now()
	var maxID int64
	for _, t := range tasks {
		maxID = max(maxID, t.ID)
	}
	if n := len(tasks); n > 0 {
		tasks[n-1].StartTime, tasks[n-1].Status, tasks[n-1].StatusCode = now, "InProgress", 2
	}
	return append(tasks, Task{ID: maxID + 1, ExecutionID: ms.Execution.ExecutionID, Repository: fmt.Sprintf("churn/app-%d", maxID+1),
		Status: "InProgress", StatusCode: 2, StartTime: now})
}

func (s *Server) growSubTasksLocked(ms *motionState) {
	e := s.executionLocked(ms.Execution)
	subs := slices.Clone(e.subtasks[ms.TaskID])
	id := int64(50001)
	for _, st := range subs {
		id = max(id, st.ID+1)
	}
	subs = append(subs, SubTask{ID: id, JobID: ms.TaskID, Namespace: ms.Execution.Namespace, Repository: "grown/app",
		Tag: fmt.Sprintf("v%d", id), Digest: fmt.Sprintf("sha256:%064x", id), Action: "DEL", Status: "Succeed", OpTime: ms.now()})
	setSubTasksLocked(e, ms.TaskID, subs)
}

func (s *Server) startExecutionLocked(ms *motionState) {
	p := s.policyLocked(ms.Execution.InstanceID, ms.Execution.Namespace, ms.Execution.PolicyID)
	// The id is one above this policy's executions only (POST .../executions counts
	// every policy of the instance: routes.go startExecution).
	id := maxExecutionID([]*policyState{p}) + 1
	newExecutionLocked(p, id, "scheduled", false, ms.now())
}

func (s *Server) addPolicyLocked(ms *motionState) {
	inst := s.instanceLocked(ms.Execution.InstanceID)
	ns := namespaceLocked(inst, ms.Execution.Namespace, 0)
	var maxID int64
	for _, p := range inst.policies {
		maxID = max(maxID, p.meta.ID)
	}
	p := &policyState{meta: placeholderPolicy(maxID+1, ns), namespace: ns.name}
	inst.policies = append([]*policyState{p}, inst.policies...)
}

func (s *Server) addNamespaceLocked(ms *motionState) {
	inst := s.instanceLocked(ms.Execution.InstanceID)
	lowest := inst.nextNSID
	for _, ns := range inst.namespaces {
		lowest = min(lowest, ns.id)
	}
	id := lowest - 1
	if id < 1 { // no id left below every other: at the end
		id = inst.nextNSID
		inst.nextNSID++
	}
	name := fmt.Sprintf("added-%d", ms.steps)
	inst.namespaces[name] = &nsState{id: id, name: name, meta: Namespace{Name: name, NamespaceID: id, CreatedAt: ms.now()}}
}

func (s *Server) addInstanceLocked(ms *motionState) {
	id := fmt.Sprintf("ins-0-%06d", 999_999-ms.steps) // sorts before every earlier one
	inst := s.instanceLocked(id)
	inst.meta.Name = id
}

// replaceLocked deletes the item listed at place At of ms.List and creates
// ms.Created new ones where the API lists them.
func (s *Server) replaceLocked(ms *motionState) {
	created := max(1, ms.Created)
	switch ms.List {
	case ListNamespaces:
		inst := s.instanceLocked(ms.Execution.InstanceID)
		if ns := namespacesInOrder(inst); len(ns) > 0 {
			delete(inst.namespaces, ns[min(ms.At, len(ns)-1)].name)
		}
		for i := range created {
			name := fmt.Sprintf("created-%d-%d", ms.steps, i+1)
			id := inst.nextNSID
			inst.nextNSID++
			inst.namespaces[name] = &nsState{id: id, name: name, meta: Namespace{Name: name, NamespaceID: id, CreatedAt: ms.now()}}
		}
	case ListPolicies:
		inst := s.instanceLocked(ms.Execution.InstanceID)
		// Ids are never reused: above every id before the deletion.
		highest := ms.highest
		for _, p := range inst.policies {
			highest = max(highest, p.meta.ID)
		}
		if n := len(inst.policies); n > 0 {
			inst.policies = slices.Delete(slices.Clone(inst.policies), min(ms.At, n-1), min(ms.At, n-1)+1)
		}
		ns := namespaceLocked(inst, ms.Execution.Namespace, 0)
		for range created {
			highest++
			inst.policies = append(inst.policies, &policyState{meta: placeholderPolicy(highest, ns), namespace: ns.name})
		}
		ms.highest = highest
	case ListInstances:
		ids := slices.Sorted(maps.Keys(s.instances))
		if len(ids) == 0 {
			return
		}
		// Any id that starts with the highest one sorts after every other, and so
		// after every id deleted before.
		last := ids[len(ids)-1]
		delete(s.instances, ids[min(ms.At, len(ids)-1)])
		for i := range created {
			id := fmt.Sprintf("%s-%d", last, i+1)
			s.instanceLocked(id).meta.Name = id
		}
	case ListExecutions:
		p := s.policyLocked(ms.Execution.InstanceID, ms.Execution.Namespace, ms.Execution.PolicyID)
		// Ids are never reused: above every id before the deletion.
		highest := max(maxExecutionID([]*policyState{p}), ms.highest)
		if n := len(p.execs); n > 0 {
			p.execs = slices.Delete(slices.Clone(p.execs), min(ms.At, n-1), min(ms.At, n-1)+1)
		}
		for range created {
			highest++
			newExecutionLocked(p, highest, "scheduled", false, ms.now())
		}
		ms.highest = highest
	}
}

// namespacesInOrder is the instance's namespaces in the listing's order (id).
func namespacesInOrder(inst *instanceState) []*nsState {
	ns := slices.Collect(maps.Values(inst.namespaces))
	slices.SortFunc(ns, func(a, b *nsState) int { return cmp.Compare(a.id, b.id) })
	return ns
}

// leaveLocked takes the item listed at place At among those matching the filter
// of ms.List out of it.
func (s *Server) leaveLocked(ms *motionState) {
	switch ms.List {
	case ListTasks:
		s.stepTasksLocked(ms, func(ms *motionState, tasks []Task) []Task {
			if i := nthIndex(tasks, ms.At, func(t Task) bool { return t.Status == "InProgress" }); i >= 0 {
				tasks[i].Status, tasks[i].StatusCode, tasks[i].EndTime, tasks[i].Total, tasks[i].Retained = "Succeed", 3, ms.now(), 10, 4
			}
			return tasks
		})
	case ListInstances:
		ids := slices.Sorted(maps.Keys(s.instances))
		if i := nthIndex(ids, ms.At, func(id string) bool { return s.instances[id].meta.Status == "Running" }); i >= 0 {
			s.instances[ids[i]].meta.Status = "Unavailable"
		}
	case ListNamespaces:
		ns := namespacesInOrder(s.instanceLocked(ms.Execution.InstanceID))
		if i := nthIndex(ns, ms.At, func(n *nsState) bool { return n.meta.Metadata.Public == "true" }); i >= 0 {
			ns[i].meta.Metadata.Public = "false"
		}
	}
}

// nthIndex is the index in items of the n-th (from 0) item for which ok is true,
// the last such when fewer, -1 when none.
func nthIndex[T any](items []T, n int, ok func(T) bool) int {
	found := -1
	for i, item := range items {
		if !ok(item) {
			continue
		}
		found = i
		if n--; n < 0 {
			break
		}
	}
	return found
}
