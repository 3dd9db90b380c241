package client

import (
	"context"
	"sort"
	"strconv"
)

// Execution is one run of a retention policy.
type Execution struct {
	ID        int64  `json:"id"`
	PolicyID  int64  `json:"policy_id"`
	DryRun    bool   `json:"dry_run"`
	Status    string `json:"status"`
	Trigger   string `json:"trigger"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// PolicyRef names one retention policy.
type PolicyRef struct {
	InstanceID    string
	NamespaceName string
	PolicyID      int64
}

// path is the policy's path below /v2/{project_id}/instances, then more.
func (r PolicyRef) path(more ...string) []string {
	return append([]string{r.InstanceID, "namespaces", r.NamespaceName, "retention", "policies",
		strconv.FormatInt(r.PolicyID, 10)}, more...)
}

// ListExecutionsInput selects the executions of a policy, optionally by Status
// and by DryRun (nil: both kinds).
type ListExecutionsInput struct {
	PolicyRef
	Status string
	DryRun *bool
}

// Filters are the filters of the listing: the API takes neither.
func (in ListExecutionsInput) Filters() Filters {
	return Filters{unsent("status", in.Status), unsent("dry_run", boolText(in.DryRun))}
}

// ListRetentionExecutions reads every execution of a policy, newest (highest id)
// first, and keeps those matching in.
//
// The list call takes only offset and limit (the official SDK's request has no
// status and no dry_run), so both filters apply here, after every page has been
// read: a filter applied page by page could not be checked against the API's
// total. Execution ids grow with each run, so sorting by id puts the newest first
// whatever order the API lists them in.
func (c *Client) ListRetentionExecutions(ctx context.Context, in ListExecutionsInput) ([]Execution, error) {
	const what = "retention policy executions"
	all, err := listUnderInstance(ctx, c, what, "executions", in.Filters().Query(), leaving{deleted: true},
		func(e Execution) int64 { return e.ID }, in.path("executions")...)
	if err != nil {
		return nil, err
	}
	out := keepMatching(ctx, c, what, all, func(e Execution) bool {
		return (in.Status == "" || e.Status == in.Status) && (in.DryRun == nil || e.DryRun == *in.DryRun)
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}
