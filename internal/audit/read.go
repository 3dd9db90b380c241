package audit

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// instanceAccount is what the audit read of one running instance.
type instanceAccount struct {
	instance   client.Instance
	namespaces []client.Namespace
	policies   []client.Policy
	runs       map[int64]*policyRuns // by policy id, enabled policies only
}

// policyRuns is what the audit read of one enabled policy's runs.
type policyRuns struct {
	executions []client.Execution // newest first
	// audited is the newest finished real run (nil: none); tasks are its tasks
	// read (every task when allTasks, else the Failed ones).
	audited  *client.Execution
	tasks    []client.Task
	allTasks bool
}

// readInstances reads the namespaces and policies of every running instance, and
// the runs of every enabled policy, all concurrently: the client's request gate
// bounds what is in flight. The first error stops the read.
func readInstances(ctx context.Context, c *client.Client, running []client.Instance, opts Options) ([]*instanceAccount, error) {
	accounts := make([]*instanceAccount, len(running))
	g, gctx := errgroup.WithContext(ctx)
	for i, inst := range running {
		acc := &instanceAccount{instance: inst, runs: map[int64]*policyRuns{}}
		accounts[i] = acc
		g.Go(func() error {
			var err error
			acc.namespaces, err = c.ListNamespaces(gctx, client.ListNamespacesInput{InstanceID: inst.ID})
			if err != nil {
				return &ReadError{What: fmt.Sprintf("the namespaces of instance %q", inst.ID), Err: err}
			}
			return nil
		})
		g.Go(func() error {
			var err error
			acc.policies, err = c.ListRetentionPolicies(gctx, client.ListPoliciesInput{InstanceID: inst.ID})
			if err != nil {
				return &ReadError{What: fmt.Sprintf("the retention policies of instance %q", inst.ID), Err: err}
			}
			// The runs of each enabled policy, each in its own goroutine.
			for _, p := range acc.policies {
				if !p.Enabled {
					continue
				}
				runs := &policyRuns{}
				acc.runs[p.ID] = runs
				ref := client.PolicyRef{InstanceID: inst.ID, NamespaceName: p.NamespaceName, PolicyID: p.ID}
				g.Go(func() error { return readRuns(gctx, c, ref, runs, opts.VersionsRemoved) })
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return accounts, nil
}

// readRuns reads a policy's executions and, when it has a finished real run, the
// tasks of the newest: all of them when allTasks, else only the Failed ones
// through the API's status filter.
func readRuns(ctx context.Context, c *client.Client, ref client.PolicyRef, runs *policyRuns, allTasks bool) error {
	name := PolicyName{InstanceID: ref.InstanceID, Namespace: ref.NamespaceName, ID: ref.PolicyID}
	execs, err := c.ListRetentionExecutions(ctx, client.ListExecutionsInput{PolicyRef: ref})
	if err != nil {
		return &ReadError{What: "the executions of " + name.String(), Err: err}
	}
	runs.executions = execs
	i := slices.IndexFunc(execs, isFinishedRealRun)
	if i < 0 {
		return nil
	}
	runs.audited = &execs[i]
	in := client.ListTasksInput{ExecutionRef: client.ExecutionRef{InstanceID: ref.InstanceID, NamespaceName: ref.NamespaceName,
		PolicyID: ref.PolicyID, ExecutionID: runs.audited.ID}}
	if !allTasks {
		in.Status = "Failed"
	}
	runs.tasks, err = c.ListRetentionExecutionTasks(ctx, in)
	if err != nil {
		return &ReadError{What: fmt.Sprintf("the tasks of execution %d of %s", runs.audited.ID, name), Err: err}
	}
	runs.allTasks = allTasks
	return nil
}

// isFinishedRealRun: a run that deletes (not a dry run) and is no longer running.
// As the HCL chain of examples/account-audit-hcl: any status but InProgress is
// finished.
func isFinishedRealRun(e client.Execution) bool { return !e.DryRun && e.Status != "InProgress" }
