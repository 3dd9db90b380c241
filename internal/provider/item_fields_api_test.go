package provider

import (
	"encoding/json"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stateItem decodes one item of the API's JSON, puts it through the rows into the
// state of ds as a Read does, and returns the first element of attribute as plain
// Go values: string, int64, bool, nil for null, map[string]any for an object or a
// map, []any for a list. Nothing of it comes from the rows' own description.
func stateItem[T any](t *testing.T, ds datasource.DataSource, attribute string, items *itemType[T], apiJSON string) map[string]any {
	t.Helper()
	var item T
	if err := json.Unmarshal([]byte(apiJSON), &item); err != nil {
		t.Fatal(err)
	}
	var notes readNotes
	state, _ := stateOf(t, ds)
	raw := tftypes.NewValue(items.listType(), items.values([]T{item}, &notes))
	if diags := setRawAttributes(&state, state.Raw, map[string]tftypes.Value{attribute: raw}); diags.HasError() {
		t.Fatal(diags)
	}
	if diags := notes.warnings(); len(diags) > 0 {
		t.Errorf("the item is sound, yet warned: %v", diags)
	}
	top, ok := plain(t, state.Raw).(map[string]any)
	if !ok {
		t.Fatalf("the state is no object: %s", state.Raw)
	}
	list, ok := top[attribute].([]any)
	if !ok || len(list) != 1 {
		t.Fatalf("state %s = %v, want one item", attribute, top[attribute])
	}
	elem, ok := list[0].(map[string]any)
	if !ok {
		t.Fatalf("the item is no object: %v", list[0])
	}
	return elem
}

// plain is v as Go values (see stateItem).
func plain(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	typ := v.Type()
	var err error
	switch {
	case typ.Is(tftypes.String):
		var s string
		err = v.As(&s)
		if err == nil {
			return s
		}
	case typ.Is(tftypes.Number):
		var f big.Float
		err = v.As(&f)
		if n, acc := f.Int64(); err == nil && acc == big.Exact {
			return n
		}
	case typ.Is(tftypes.Bool):
		var b bool
		err = v.As(&b)
		if err == nil {
			return b
		}
	case typ.Is(tftypes.Object{}), typ.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		err = v.As(&m)
		if err == nil {
			out := make(map[string]any, len(m))
			for k, e := range m {
				out[k] = plain(t, e)
			}
			return out
		}
	case typ.Is(tftypes.List{}):
		var l []tftypes.Value
		err = v.As(&l)
		if err == nil {
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = plain(t, e)
			}
			return out
		}
	}
	t.Fatalf("cannot read %s (%v)", v, err)
	return nil
}

// Each field of an item of the API lands in the state attribute of its name: the
// expected values are written by hand from the JSON, every value distinct, so that
// two rows that swapped their sources (name and status, start and end time) fail
// here, not only in the acceptance tests.
func TestItemValues_EachAPIFieldLandsInItsAttribute(t *testing.T) {
	checkItemValues(t, []itemValuesCase{
		{
			name: "swr_instances",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, NewInstancesDataSource(), "instances", instanceItems, `{
					"id": "ins-7f3a", "name": "prod-registry", "description": "the main one", "status": "Running",
					"spec": "swr.ee.professional", "version": "v2.10.1", "charge_mode": "postPaid",
					"access_address": "prod-registry.swr.example", "enterprise_project_id": "0",
					"vpc_id": "vpc-1", "vpc_name": "vpc-main", "vpc_cidr": "192.168.0.0/16",
					"subnet_id": "subnet-2", "subnet_name": "subnet-main", "subnet_cidr": "192.168.1.0/24",
					"created_at": "2024-03-01T10:00:00Z", "updated_at": "2024-03-02T11:00:00Z", "expires_at": "2025-03-01T00:00:00Z"}`)
			},
			want: map[string]any{
				"id": "ins-7f3a", "name": "prod-registry", "description": "the main one", "status": "Running",
				"spec": "swr.ee.professional", "version": "v2.10.1", "charge_mode": "postPaid",
				"access_address": "prod-registry.swr.example", "enterprise_project_id": "0",
				"vpc_id": "vpc-1", "vpc_name": "vpc-main", "vpc_cidr": "192.168.0.0/16",
				"subnet_id": "subnet-2", "subnet_name": "subnet-main", "subnet_cidr": "192.168.1.0/24",
				"created_at": "2024-03-01T10:00:00Z", "updated_at": "2024-03-02T11:00:00Z", "expires_at": "2025-03-01T00:00:00Z",
			},
		},
		{
			name: "swr_namespaces",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, NewNamespacesDataSource(), "namespaces", namespaceItems, `{
					"name": "platform", "namespace_id": 12, "metadata": {"public": "true"}, "repo_count": 34,
					"created_at": "2024-03-01T10:00:00Z", "updated_at": "2024-03-02T11:00:00Z"}`)
			},
			want: map[string]any{
				"name": "platform", "id": int64(12), "public": true, "repo_count": int64(34),
				"created_at": "2024-03-01T10:00:00Z", "updated_at": "2024-03-02T11:00:00Z",
			},
		},
		{
			name: "swr_retention_policies",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, NewRetentionPoliciesDataSource(), "policies", policyItems, `{
					"id": 7, "name": "nightly", "enabled": true, "namespace_id": 12, "namespace_name": "platform", "algorithm": "or",
					"rules": [{"id": 3, "priority": 1, "disabled": false, "action": "retain", "template": "latestPushedK",
						"params": {"latestPushedK": 10},
						"tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "v*", "extras": ""}],
						"scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "app/**", "extras": ""}]},
						"repo_scope_mode": "regular"}],
					"trigger": {"type": "scheduled", "trigger_settings": {"cron": "0 0 1 * * *"}}}`)
			},
			want: map[string]any{
				"id": int64(7), "name": "nightly", "enabled": true, "namespace_id": int64(12), "namespace_name": "platform", "algorithm": "or",
				"rules": []any{map[string]any{"id": int64(3), "priority": int64(1), "disabled": false, "action": "retain", "template": "latestPushedK",
					"params":               map[string]any{"latestPushedK": "10"},
					"tag_selectors":        []any{map[string]any{"kind": "doublestar", "decoration": "matches", "pattern": "v*", "extras": ""}},
					"repository_selectors": []any{map[string]any{"kind": "doublestar", "decoration": "repoMatches", "pattern": "app/**", "extras": ""}},
					"repo_scope_mode":      "regular"}},
				"trigger": map[string]any{"type": "scheduled", "cron": "0 0 1 * * *"},
			},
		},
		{
			name: "swr_retention_executions",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, NewRetentionExecutionsDataSource(), "executions", executionItems, `{
					"id": 113, "policy_id": 7, "dry_run": true, "status": "Succeed", "trigger": "manual",
					"start_time": "2024-03-01T10:00:00Z", "end_time": "2024-03-01T10:05:00Z"}`)
			},
			want: map[string]any{
				"id": int64(113), "policy_id": int64(7), "dry_run": true, "status": "Succeed", "trigger": "manual",
				"start_time": "2024-03-01T10:00:00Z", "end_time": "2024-03-01T10:05:00Z", "failed": false,
			},
		},
		{
			name: "swr_retention_execution_tasks",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, NewRetentionExecutionTasksDataSource(), "tasks", taskItems, `{
					"id": 501, "execution_id": 113, "repository": "platform/api", "job_id": "a1b2c3", "status": "Failed",
					"status_code": 3, "status_revision": 1709287200, "start_time": "2024-03-01T10:00:00Z",
					"end_time": "2024-03-01T10:02:00Z", "total": 40, "retained": 25}`)
			},
			want: map[string]any{
				"id": int64(501), "execution_id": int64(113), "repository": "platform/api", "job_id": "a1b2c3", "status": "Failed",
				"status_code": int64(3), "status_revision": int64(1709287200), "start_time": "2024-03-01T10:00:00Z",
				"end_time": "2024-03-01T10:02:00Z", "total": int64(40), "retained": int64(25), "failed": true,
			},
		},
		{
			name: "swr_retention_execution_sub_tasks",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, NewRetentionExecutionSubTasksDataSource(), "sub_tasks", subTaskItems, `{
					"id": 9001, "job_id": 42, "namespace": "platform", "repository": "platform/api", "tag": "v1.2.3",
					"digest": "sha256:0f1e", "action": "DEL", "status": "Failed", "status_text": "locked",
					"op_time": "2024-03-01T10:01:00Z"}`)
			},
			want: map[string]any{
				"id": int64(9001), "job_id": "42", "namespace": "platform", "repository": "platform/api", "tag": "v1.2.3",
				"digest": "sha256:0f1e", "action": "DEL", "status": "Failed", "status_text": "locked",
				"op_time": "2024-03-01T10:01:00Z",
			},
		},
	})
}

// Each field of the audit's report lands in the attribute of its name in
// swr_retention_audit: the report is written as JSON of the audit's Go fields, the
// expected state by hand, every value distinct (a policy's id and its run's id, its
// failed tasks and versions removed), so that two rows that swapped their sources fail.
func TestItemValues_EachAuditFieldLandsInItsAttribute(t *testing.T) {
	ds := NewRetentionAuditDataSource()
	checkItemValues(t, []itemValuesCase{
		{
			name: "findings",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, ds, "findings", findingItems, `{
					"Kind": "failed_run", "InstanceID": "ins-7f3a", "Namespace": "platform", "PolicyID": 7, "PolicyName": "nightly",
					"ExecutionID": 113, "ExecutionStatus": "Failed", "Repositories": ["platform/api", "platform/web"],
					"Message": "run 113 failed"}`)
			},
			want: map[string]any{
				"kind": "failed_run", "instance_id": "ins-7f3a", "namespace": "platform", "policy_id": int64(7), "policy_name": "nightly",
				"execution_id": int64(113), "execution_status": "Failed", "repositories": []any{"platform/api", "platform/web"},
				"message": "run 113 failed",
			},
		},
		{
			name: "policies",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, ds, "policies", auditPolicyItems, `{
					"InstanceID": "ins-7f3a", "Namespace": "platform", "ID": 7, "Name": "nightly", "Enabled": true, "Trigger": "scheduled",
					"ExecutionID": 113, "ExecutionStatus": "Failed", "ExecutionEnd": "2024-03-01T10:05:00Z",
					"FailedTasks": 2, "FailedRepositories": ["platform/api", "platform/web"],
					"TasksRead": true, "VersionsRemoved": 15, "TasksPerStatus": {"Failed": 2, "Succeed": 3}}`)
			},
			want: map[string]any{
				"instance_id": "ins-7f3a", "namespace": "platform", "id": int64(7), "name": "nightly", "enabled": true, "trigger": "scheduled",
				"execution_id": int64(113), "execution_status": "Failed", "execution_end_time": "2024-03-01T10:05:00Z",
				"failed_tasks": int64(2), "failed_repositories": []any{"platform/api", "platform/web"},
				"versions_removed": int64(15), "tasks_per_status": map[string]any{"Failed": int64(2), "Succeed": int64(3)},
			},
		},
		{
			name: "instances",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, ds, "instances", auditInstanceItems, `{
					"ID": "ins-7f3a", "Name": "prod-registry", "Status": "Running", "Audited": true, "Namespaces": 12, "Policies": 9}`)
			},
			want: map[string]any{
				"id": "ins-7f3a", "name": "prod-registry", "status": "Running", "audited": true, "namespaces": int64(12), "policies": int64(9),
			},
		},
		{
			name: "namespaces_without_enabled_policy",
			got: func(t *testing.T) map[string]any {
				return stateItem(t, ds, "namespaces_without_enabled_policy", namespaceRefItems, `{"InstanceID": "ins-7f3a", "Namespace": "platform"}`)
			},
			want: map[string]any{"instance_id": "ins-7f3a", "namespace": "platform"},
		},
	})
}

// itemValuesCase is one item put through its rows (got) and its state values
// written by hand (want).
type itemValuesCase struct {
	name string
	got  func(t *testing.T) map[string]any
	want map[string]any
}

func checkItemValues(t *testing.T, cases []itemValuesCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got(t); !reflect.DeepEqual(got, tc.want) {
				for k := range mergedKeys(got, tc.want) {
					if !reflect.DeepEqual(got[k], tc.want[k]) {
						t.Errorf("%s = %#v, want %#v", k, got[k], tc.want[k])
					}
				}
			}
		})
	}
}

func mergedKeys(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
