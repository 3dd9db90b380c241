package fakeapi

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// AccountSpec is the size and shape of a generated account (Generate): running
// instances with namespaces, enabled retention policies spread over them, runs
// and tasks. The same spec always gives the same account.
type AccountSpec struct {
	Instances  int // running instances ins-gen-01, ins-gen-02, ...
	Namespaces int // namespaces of each instance: ns-001, ns-002, ...
	// Policies is the number of enabled policies of the whole account, dealt to the
	// instances in turn, one per namespace in namespace order (so at most
	// Instances x Namespaces); the namespaces left over have none.
	Policies int
	Runs     int // finished real runs of each policy, a day apart, the newest 2 hours before DataNow
	Tasks    int // tasks of each run
	// Failure is the share (0 to 1) of policies whose newest run Failed, with
	// about 8% of its tasks Failed (at least one). Every other task of every run is
	// Succeed or, now and then, Stopped (which fails nothing).
	Failure float64
	Seed    int64
}

// Limits of a spec, so that a typo cannot ask the fake for more memory than a
// laptop has (a task is about 200 bytes).
const (
	maxGeneratedInstances = 100
	maxGeneratedTasks     = 5_000_000 // Policies x Runs x Tasks
)

// specFields are the names of ParseAccountSpec, in String's order.
var specFields = []string{"instances", "namespaces", "policies", "runs", "tasks", "failure", "seed"}

// ParseAccountSpec reads a spec written as name=value pairs separated by commas,
// e.g. "instances=5,namespaces=200,policies=750,runs=2,tasks=200,failure=0.1,seed=1".
// Names left out are 0 (seed 0 and failure 0 are fine; the others are checked by
// Check).
func ParseAccountSpec(text string) (AccountSpec, error) {
	var spec AccountSpec
	seen := map[string]bool{}
	for _, pair := range strings.Split(text, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || value == "" {
			return spec, fmt.Errorf("account spec %q: %q is not name=value (names: %s)", text, pair, strings.Join(specFields, ", "))
		}
		if seen[name] {
			return spec, fmt.Errorf("account spec %q: %s given twice", text, name)
		}
		seen[name] = true
		var err error
		switch name {
		case "failure":
			spec.Failure, err = strconv.ParseFloat(value, 64)
		case "seed":
			spec.Seed, err = strconv.ParseInt(value, 10, 64)
		default:
			field := map[string]*int{"instances": &spec.Instances, "namespaces": &spec.Namespaces, "policies": &spec.Policies,
				"runs": &spec.Runs, "tasks": &spec.Tasks}[name]
			if field == nil {
				return spec, fmt.Errorf("account spec %q: unknown name %q (names: %s)", text, name, strings.Join(specFields, ", "))
			}
			*field, err = strconv.Atoi(value)
		}
		if err != nil {
			return spec, fmt.Errorf("account spec %q: %s=%q is not a number", text, name, value)
		}
	}
	return spec, spec.Check()
}

// String writes the spec as ParseAccountSpec reads it.
func (a AccountSpec) String() string {
	return fmt.Sprintf("instances=%d,namespaces=%d,policies=%d,runs=%d,tasks=%d,failure=%s,seed=%d",
		a.Instances, a.Namespaces, a.Policies, a.Runs, a.Tasks, strconv.FormatFloat(a.Failure, 'g', -1, 64), a.Seed)
}

// Check refuses a spec Generate cannot make.
func (a AccountSpec) Check() error {
	switch {
	case a.Instances < 1 || a.Instances > maxGeneratedInstances:
		return fmt.Errorf("account spec: instances must be 1 to %d, not %d", maxGeneratedInstances, a.Instances)
	case a.Namespaces < 1:
		return fmt.Errorf("account spec: namespaces must be at least 1, not %d", a.Namespaces)
	case a.Policies < 0 || a.Policies > a.Instances*a.Namespaces:
		return fmt.Errorf("account spec: policies must be 0 to instances x namespaces (%d), not %d", a.Instances*a.Namespaces, a.Policies)
	case a.Runs < 0 || a.Tasks < 0:
		return errors.New("account spec: runs and tasks must not be negative")
	case a.Failure < 0 || a.Failure > 1:
		return fmt.Errorf("account spec: failure is a share from 0 to 1, not %g", a.Failure)
	case a.Policies*a.Runs*a.Tasks > maxGeneratedTasks:
		return fmt.Errorf("account spec: policies x runs x tasks is %d, above %d", a.Policies*a.Runs*a.Tasks, maxGeneratedTasks)
	}
	return nil
}

// GeneratedInstance is the id of the i-th (1-based) generated instance.
func GeneratedInstance(i int) string { return fmt.Sprintf("ins-gen-%02d", i) }

// Generate adds the account spec describes, replacing what its instances held.
// Policy ids count from 1 in each instance, and run ids from 1 in each instance
// (a policy's runs are consecutive, newest highest).
func (s *Server) Generate(spec AccountSpec) error {
	if err := spec.Check(); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(spec.Seed), 0x5eed_acc0)) //nolint:gosec // G404: generated accounts must be reproducible from their seed
	s.mu.Lock()
	for i := 1; i <= spec.Instances; i++ {
		delete(s.instances, GeneratedInstance(i))
	}
	s.mu.Unlock()
	policies := make([][]Policy, spec.Instances)
	for i := 1; i <= spec.Instances; i++ {
		id := GeneratedInstance(i)
		inst := placeholderInstance(id, s.projectID)
		inst.Name, inst.Description = fmt.Sprintf("gen-%02d", i), fmt.Sprintf("generated, seed %d", spec.Seed)
		s.SetInstance(inst)
		ns := make([]Namespace, spec.Namespaces)
		for n := range ns {
			ns[n] = Namespace{Name: seedName("ns", n+1), NamespaceID: int64(n + 1), RepoCount: 1 + rng.Int64N(40),
				Metadata: NamespaceMetadata{Public: strconv.FormatBool(rng.IntN(10) == 0)}, CreatedAt: "2024-01-01T00:00:00Z", UpdatedAt: "2024-01-01T00:00:00Z"}
		}
		s.SetNamespaces(id, ns)
	}
	for k := range spec.Policies {
		i, n := k%spec.Instances, k/spec.Instances // instance index, namespace index
		ns := seedName("ns", n+1)
		p := placeholderPolicy(int64(n+1), &nsState{name: ns, id: int64(n + 1)})
		p.Name = ns + "-keep-latest-" + strconv.Itoa(5+rng.IntN(20))
		p.Rules[0].Params = map[string]any{"latestPushedK": 5 + rng.IntN(20)}
		p.Trigger = PolicyTrigger{Type: "scheduled", TriggerSettings: TriggerSettings{Cron: fmt.Sprintf("0 %d 2 * * *", rng.IntN(60))}}
		policies[i] = append(policies[i], p)
	}
	for i, list := range policies {
		id := GeneratedInstance(i + 1)
		s.SetPolicies(id, list)
		var nextExec int64 = 1
		for _, p := range list {
			s.generateRuns(id, p, nextExec, spec, rng.Float64() < spec.Failure, rng.Int64())
			nextExec += int64(spec.Runs)
		}
	}
	return nil
}

// generateRuns gives p spec.Runs finished real runs with ids first.. (the newest
// highest), a day apart, the newest failed when failed says so.
func (s *Server) generateRuns(instanceID string, p Policy, first int64, spec AccountSpec, failed bool, seed int64) {
	newest := DataNow.Truncate(24 * time.Hour).Add(time.Hour)
	execs := make([]Execution, 0, spec.Runs)
	for r := spec.Runs - 1; r >= 0; r-- { // newest first
		id := first + int64(r)
		tasks := generateTasks(id, spec.Tasks, seed+int64(r), true)
		fail := failed && r == spec.Runs-1
		for k := range tasks {
			if tasks[k].Status == "Failed" && !fail {
				tasks[k].Status = "Succeed"
			}
		}
		if fail && len(tasks) > 0 {
			tasks[len(tasks)/2].Status = "Failed" // at least one
		}
		start := newest.Add(-time.Duration(spec.Runs-1-r) * 24 * time.Hour)
		tasks = runAt(tasks, start)
		status, from, to := summarize(tasks)
		if len(tasks) == 0 {
			from, to = start.Format(timeFormat), start.Add(time.Minute).Format(timeFormat)
			if fail {
				status = "Failed"
			}
		}
		execs = append(execs, Execution{ID: id, Status: status, Trigger: "scheduled", StartTime: from, EndTime: to})
		s.SetTasks(ExecutionKey{InstanceID: instanceID, Namespace: p.NamespaceName, PolicyID: p.ID, ExecutionID: id}, tasks)
	}
	s.SetExecutions(instanceID, p.NamespaceName, p.ID, execs)
}
