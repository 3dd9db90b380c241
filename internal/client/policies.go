package client

import (
	"bytes"
	"context"
	"encoding/json"
)

// Policy is a retention policy of an instance, as the list-policies call returns it.
type Policy struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	Enabled       bool          `json:"enabled"`
	NamespaceID   int64         `json:"namespace_id"`
	NamespaceName string        `json:"namespace_name"`
	Algorithm     string        `json:"algorithm"`
	Rules         []PolicyRule  `json:"rules"`
	Trigger       PolicyTrigger `json:"trigger"`
}

// PolicyRule is one rule of a policy: which artifacts it retains. The SDK marks
// every field optional; an absent one is its zero value here.
type PolicyRule struct {
	// ID is the rule's id; 0 when the API leaves it out.
	ID       int64  `json:"id"`
	Priority int64  `json:"priority"`
	Disabled bool   `json:"disabled"`
	Action   string `json:"action"`
	Template string `json:"template"`
	// Params are the template's parameters, e.g. {"latestPushedK": 10}; see ParamStrings.
	Params         map[string]json.RawMessage `json:"params"`
	TagSelectors   []Selector                 `json:"tag_selectors"`
	ScopeSelectors map[string][]Selector      `json:"scope_selectors"`
	// RepoScopeMode is how the console chose the repositories: "regular"
	// (patterns) or "selection" (picked by name).
	RepoScopeMode string `json:"repo_scope_mode"`
}

// Selector selects tags or repositories by pattern.
type Selector struct {
	Kind       string `json:"kind"`
	Decoration string `json:"decoration"`
	Pattern    string `json:"pattern"`
	Extras     string `json:"extras"`
}

// PolicyTrigger says when a policy runs: "manual", or "scheduled" with a cron
// expression.
type PolicyTrigger struct {
	Type            string `json:"type"`
	TriggerSettings struct {
		Cron string `json:"cron"`
	} `json:"trigger_settings"`
}

// RepositorySelectors are the rule's repository scope selectors.
func (r PolicyRule) RepositorySelectors() []Selector { return r.ScopeSelectors["repository"] }

// ParamStrings renders the params as text: a JSON string is its value, any other
// value its compact JSON text (10 gives "10"), so that every parameter fits one
// map of strings whatever its type.
func (r PolicyRule) ParamStrings() map[string]string {
	out := make(map[string]string, len(r.Params))
	for k, raw := range r.Params {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			out[k] = s
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			out[k] = string(raw)
			continue
		}
		out[k] = buf.String()
	}
	return out
}

// ListPoliciesInput selects the retention policies of an instance. Name, when
// set, must match exactly; NamespaceName and NamespaceID, when set, keep the
// policies of that namespace.
type ListPoliciesInput struct {
	InstanceID    string
	Name          string
	NamespaceName string
	// NamespaceID goes to the API's namespace_id filter (an int32); 0 is unset.
	NamespaceID int64
}

// Filters are the filters of the listing: the API has no namespace_name filter.
func (in ListPoliciesInput) Filters() Filters {
	return Filters{sent("name", in.Name), unsent("namespace_name", in.NamespaceName), sent("namespace_id", idText(in.NamespaceID))}
}

// ListRetentionPolicies reads every retention policy of an instance matching in,
// in the API's order.
//
// Name goes to the API's name filter, which narrows the listing (the fake matches
// substrings; the reference does not say), and is then matched exactly here.
//
// NamespaceID goes to the API's namespace_id filter, and is checked here too, so
// that an API ignoring the filter cannot add another namespace's policies.
//
// The API filters namespaces by namespace_id only. NamespaceName is not resolved
// to an id: that would take a call outside this API (the namespace list), with its
// own permission and a window in which a namespace renamed or re-created would
// give a wrong id. Every policy carries its namespace_name, so the filter applies
// here, to the complete snapshot listUnderInstance returns. The consequence for
// paging: the pages (and their total, which the snapshot checks) count the
// instance's policies of every namespace, so a namespace with few policies in an
// instance with many still costs ceil(all/100) requests; nothing is missed, since
// the filter never applies to a partial list.
func (c *Client) ListRetentionPolicies(ctx context.Context, in ListPoliciesInput) ([]Policy, error) {
	const what = "retention policies"
	all, err := listUnderInstance(ctx, c, what, "retentions", in.Filters().Query(), leaving{deleted: true, filter: true},
		func(p Policy) int64 { return p.ID }, in.InstanceID, "retention", "policies")
	if err != nil {
		return nil, err
	}
	return keepMatching(ctx, c, what, all, func(p Policy) bool {
		return (in.Name == "" || p.Name == in.Name) && (in.NamespaceName == "" || p.NamespaceName == in.NamespaceName) &&
			(in.NamespaceID == 0 || p.NamespaceID == in.NamespaceID)
	}), nil
}
