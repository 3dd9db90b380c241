package fakeapi

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Describe writes what the fake holds, as a user picks ids from it: every
// instance (id, name, status), its namespaces, and per retention policy its
// executions newest first with their status, trigger and tasks per status, and
// which execution `latest` and the newest finished one are. It reads the stored
// data itself, so `swr-fake -h` (which describes a freshly seeded fake) can never
// drift from SeedSample.
func (s *Server) Describe(w io.Writer) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.instances))
	for id := range s.instances {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		inst := s.instances[id]
		fmt.Fprintf(w, "instance %s (name %q, %s)\n", id, inst.meta.Name, inst.meta.Status)
		fmt.Fprintf(w, "  namespaces: %s\n", describeNamespaces(inst))
		for _, p := range inst.policies {
			state := "enabled"
			if !p.meta.Enabled {
				state = "disabled"
			}
			if c := caseOfPolicy(p); c != "" {
				state += " (" + c + ")"
			}
			fmt.Fprintf(w, "  policy %d %q on namespace %s, %s\n", p.meta.ID, p.meta.Name, p.namespace, state)
			describeExecutions(w, p.execs)
		}
	}
}

// describeNamespaces lists the namespaces in id order, the first few by name.
func describeNamespaces(inst *instanceState) string {
	all := make([]*nsState, 0, len(inst.namespaces))
	for _, ns := range inst.namespaces {
		all = append(all, ns)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	const shown = 4
	names := make([]string, 0, shown)
	for i, ns := range all {
		if i == shown {
			names = append(names, fmt.Sprintf("and %d more", len(all)-shown))
			break
		}
		names = append(names, ns.name)
	}
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", len(all), strings.Join(names, ", "))
}

// describeExecutions writes one line per execution (newest first), marking the
// one `latest` is and the newest finished real one, the one to audit.
func describeExecutions(w io.Writer, execs []*execState) {
	audited := false
	for i, e := range execs {
		kind := ""
		if e.meta.DryRun {
			kind = ", dry run"
		}
		var notes []string
		if i == 0 {
			notes = append(notes, "newest")
		}
		if !audited && !e.meta.DryRun && e.meta.Status != "InProgress" {
			audited = true
			notes = append(notes, "newest finished real run")
		}
		note := ""
		if len(notes) > 0 {
			note = " <- " + strings.Join(notes, ", ")
		}
		fmt.Fprintf(w, "    execution %d: %s, %s%s, %s%s%s\n", e.meta.ID, e.meta.Status, e.meta.Trigger, kind, describeTasks(e), describeAge(e), note)
	}
}

// describeTasks counts the tasks of an execution per status, and its sub-tasks.
func describeTasks(e *execState) string {
	if len(e.tasks) == 0 {
		return "no tasks"
	}
	counts := map[string]int{}
	for _, t := range e.tasks {
		counts[t.Status]++
	}
	var parts []string
	for _, status := range []string{"Succeed", "Failed", "Stopped", "InProgress", "Pending", "Initialized"} {
		if n := counts[status]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, status))
		}
	}
	out := fmt.Sprintf("%d tasks (%s)", len(e.tasks), strings.Join(parts, ", "))
	subs := 0
	for _, list := range e.subtasks {
		subs += len(list)
	}
	if subs > 0 {
		out += fmt.Sprintf(", %d sub-tasks over %d tasks", subs, len(e.subtasks))
	}
	return out
}

// describeAge says how long before DataNow a run started that is still running
// after a day, or ended a week or more ago: the runs an audit calls stuck or stale.
func describeAge(e *execState) string {
	days := func(stored string) int {
		t, err := time.Parse(time.RFC3339Nano, stored)
		if err != nil {
			return 0
		}
		return int(DataNow.Sub(t) / (24 * time.Hour))
	}
	if e.meta.Status == "InProgress" {
		if d := days(e.meta.StartTime); d >= 1 {
			return fmt.Sprintf(", running for %d days", d)
		}
		return ""
	}
	if d := days(e.meta.EndTime); d >= 7 {
		return fmt.Sprintf(", ended %d days ago", d)
	}
	return ""
}
