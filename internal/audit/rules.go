package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// The rule templates that keep a number of versions, and those that keep
// versions for a number of days; their parameter has the template's name.
var (
	countTemplates = []string{"latestPushedK", "latestPulledN"}
	daysTemplates  = []string{"nDaysSinceLastPush", "nDaysSinceLastPull"}
)

// ruleFindings are the findings of an enabled policy's rules: none active, or
// active ones that keep less than the requirements ask for (each shortfall its
// own finding).
func (j policyJudge) ruleFindings() []Finding {
	var active []client.PolicyRule
	for _, rule := range j.policy.Rules {
		if !rule.Disabled {
			active = append(active, rule)
		}
	}
	if len(active) == 0 {
		what := fmt.Sprintf("every one of its %d rules is disabled", len(j.policy.Rules))
		switch len(j.policy.Rules) {
		case 0:
			what = "it has no rule"
		case 1:
			what = "its only rule is disabled"
		}
		return []Finding{j.finding(NoActiveRule, nil, []string{}, "%s: it is enabled but no rule selects what to keep", what)}
	}
	var out []Finding
	req := j.opts.Requirements
	for _, rule := range active {
		if n, ok := ruleParam(rule, countTemplates); ok && req.MinVersionsKept > 0 && n < req.MinVersionsKept {
			out = append(out, j.finding(RulesBelowRequirement, nil, []string{}, "rule %s keeps %d versions (%s), fewer than min_versions_kept %d",
				ruleText(rule), n, rule.Template, req.MinVersionsKept))
		}
		if n, ok := ruleParam(rule, daysTemplates); ok && req.MinDaysKept > 0 && n < req.MinDaysKept {
			out = append(out, j.finding(RulesBelowRequirement, nil, []string{}, "rule %s keeps versions %d days (%s), fewer than min_days_kept %d",
				ruleText(rule), n, rule.Template, req.MinDaysKept))
		}
	}
	for _, pattern := range req.RequiredKeptTags {
		if !slices.ContainsFunc(active, func(r client.PolicyRule) bool { return selectsTags(r, pattern) }) {
			out = append(out, j.finding(RulesBelowRequirement, nil, []string{}, "no active rule keeps tags %s (required_kept_tags): none selects them with a matches %s or ** tag selector",
				pattern, pattern))
		}
	}
	return out
}

// ruleParam is the number a rule of one of templates keeps (its parameter named
// after the template). A rule of another template, or without a readable
// number, has none.
func ruleParam(rule client.PolicyRule, templates []string) (int64, bool) {
	if !slices.Contains(templates, rule.Template) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(rule.ParamStrings()[rule.Template]), 10, 64)
	return n, err == nil
}

// selectsTags: the rule's tag selectors include the pattern (or every tag, **)
// with the matches decoration, so the rule retains tags of that pattern.
func selectsTags(rule client.PolicyRule, pattern string) bool {
	return slices.ContainsFunc(rule.TagSelectors, func(s client.Selector) bool {
		return s.Decoration == "matches" && (s.Pattern == pattern || s.Pattern == "**")
	})
}

// ruleText names a rule: its id, or its priority when it has none.
func ruleText(rule client.PolicyRule) string {
	if rule.ID != 0 {
		return fmt.Sprint(rule.ID)
	}
	return fmt.Sprintf("of priority %d", rule.Priority)
}
