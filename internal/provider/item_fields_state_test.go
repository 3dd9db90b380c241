package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// tasksViaFramework is the tasks list as framework values built by hand, the way
// State.Set takes them: the reference the rows of taskItems must match.
func tasksViaFramework(t *testing.T, tasks []client.Task) types.List {
	t.Helper()
	elemType, ok := taskItems.nestedObject().Type().(types.ObjectType)
	if !ok {
		t.Fatalf("a task is a %T, not a types.ObjectType", taskItems.nestedObject().Type())
	}
	timeOrNull := func(s string) timetypes.RFC3339 {
		if s == "" {
			return timetypes.NewRFC3339Null()
		}
		return timetypes.NewRFC3339ValueMust(s)
	}
	elems := make([]attr.Value, len(tasks))
	for i, tk := range tasks {
		obj, diags := types.ObjectValue(elemType.AttrTypes, map[string]attr.Value{
			"id":              types.Int64Value(tk.ID),
			"execution_id":    types.Int64Value(tk.ExecutionID),
			"repository":      types.StringValue(tk.Repository),
			"job_id":          types.StringValue(tk.JobID),
			"status":          types.StringValue(tk.Status),
			"failed":          types.BoolValue(tk.Status == "Failed"), // the generated tasks have documented statuses
			"status_code":     types.Int64Value(tk.StatusCode),
			"status_revision": types.Int64Value(tk.StatusRevision),
			"start_time":      timeOrNull(tk.StartTime),
			"end_time":        timeOrNull(tk.EndTime),
			"total":           types.Int64Value(tk.Total),
			"retained":        types.Int64Value(tk.Retained),
		})
		if diags.HasError() {
			t.Fatal(diags)
		}
		elems[i] = obj
	}
	list, diags := types.ListValue(elemType, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return list
}

// stateOf is the state of the data source ds with every attribute null, and its
// Terraform type.
func stateOf(t *testing.T, ds datasource.DataSource) (tfsdk.State, tftypes.Object) {
	t.Helper()
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	stateType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the schema's type is not an object: %s", schemaResp.Schema.Type())
	}
	nulls := make(map[string]tftypes.Value, len(stateType.AttributeTypes))
	for name, at := range stateType.AttributeTypes {
		nulls[name] = tftypes.NewValue(at, nil)
	}
	return tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(stateType, nulls)}, stateType
}

// assertSameState checks that setting attribute to raw with setRawAttributes
// gives the same state, value and bytes, as State.SetAttribute of viaFramework.
func assertSameState(t *testing.T, ds datasource.DataSource, attribute string, raw tftypes.Value, viaFramework attr.Value) {
	t.Helper()
	ctx := context.Background()
	viaSet, stateType := stateOf(t, ds)
	if diags := viaSet.SetAttribute(ctx, path.Root(attribute), viaFramework); diags.HasError() {
		t.Fatal(diags)
	}
	direct, _ := stateOf(t, ds)
	if diags := setRawAttributes(&direct, direct.Raw, map[string]tftypes.Value{attribute: raw}); diags.HasError() {
		t.Fatal(diags)
	}
	if !direct.Raw.Equal(viaSet.Raw) {
		diffs, err := direct.Raw.Diff(viaSet.Raw)
		t.Fatalf("the raw state differs from State.Set's (%v): %v", err, diffs)
	}
	wire := func(v tftypes.Value) []byte {
		dv, err := tfprotov6.NewDynamicValue(stateType, v)
		if err != nil {
			t.Fatal(err)
		}
		return dv.MsgPack
	}
	if !bytes.Equal(wire(direct.Raw), wire(viaSet.Raw)) {
		t.Fatal("the raw state encodes to other bytes than State.Set's")
	}
}

// The tasks put into state exactly what State.Set of framework values built by
// hand would: the same value, and the same bytes on the wire, for no tasks, for
// tasks still running (null end time) and for many tasks.
func TestItemValues_StateEqualsStateSet(t *testing.T) {
	running := benchClientTasks(3)
	running[1].EndTime, running[1].Status, running[1].Repository = "", "InProgress", "ns/ünïcode-repo"
	for name, tasks := range map[string][]client.Task{"none": {}, "running": running, "many": benchClientTasks(500)} {
		t.Run("tasks/"+name, func(t *testing.T) {
			raw := tftypes.NewValue(taskItems.listType(), taskItems.values(tasks, &readNotes{}))
			assertSameState(t, NewRetentionExecutionTasksDataSource(), "tasks", raw, tasksViaFramework(t, tasks))
		})
	}
}

// Every list data source, and latest, put into state what State.Set would of the
// same values as framework values (read back by the schema's own types): the
// rows' Terraform types, nulls and nested lists agree with the schema's.
func TestItemValues_EveryDataSourceStateEqualsStateSet(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, ds datasource.DataSource, attribute string, listType tftypes.List, values []tftypes.Value) {
		t.Helper()
		raw := tftypes.NewValue(listType, values)
		state, _ := stateOf(t, ds)
		typ, diags := state.Schema.TypeAtPath(ctx, path.Root(attribute))
		if diags.HasError() {
			t.Fatal(diags)
		}
		viaFramework, err := typ.ValueFromTerraform(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, ds, attribute, raw, viaFramework)
	}
	var notes readNotes
	t.Run("sub_tasks", func(t *testing.T) {
		check(t, NewRetentionExecutionSubTasksDataSource(), "sub_tasks", subTaskItems.listType(), subTaskItems.values([]client.SubTask{
			{ID: 1, JobID: "42", Namespace: "ns", Repository: "ns/a", Tag: "v1", Digest: "sha256:0", Action: "DEL", Status: "Failed", StatusText: "locked", OpTime: "2024-03-01T10:00:00+08:00"},
			{ID: 2, OpTime: ""},
		}, &notes))
	})
	executions := executionItems.values([]client.Execution{
		{ID: 9, PolicyID: 7, DryRun: true, Status: "Succeed", Trigger: "manual", StartTime: "2024-03-01T10:00:00Z", EndTime: "2024-03-01T10:01:00Z"},
		{ID: 8, PolicyID: 7, Status: "InProgress", Trigger: "scheduled", StartTime: "2024-03-01 09:00:00"},
	}, &notes)
	t.Run("executions", func(t *testing.T) {
		check(t, NewRetentionExecutionsDataSource(), "executions", executionItems.listType(), executions)
	})
	t.Run("latest", func(t *testing.T) {
		raw := latestExecution(nil, executions, &notes)["latest"]
		state, _ := stateOf(t, NewRetentionExecutionsDataSource())
		typ, _ := state.Schema.TypeAtPath(ctx, path.Root("latest"))
		viaFramework, err := typ.ValueFromTerraform(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, NewRetentionExecutionsDataSource(), "latest", raw, viaFramework)
	})
	t.Run("policies", func(t *testing.T) {
		rule := client.PolicyRule{ID: 3, Priority: 1, Action: "retain", Template: "latestPushedK",
			Params:         map[string]json.RawMessage{"latestPushedK": json.RawMessage(`10`)},
			TagSelectors:   []client.Selector{{Kind: "doublestar", Decoration: "matches", Pattern: "**"}},
			ScopeSelectors: map[string][]client.Selector{"repository": {{Kind: "doublestar", Decoration: "repoMatches", Pattern: "app/*"}}},
			RepoScopeMode:  "regular"}
		policies := []client.Policy{
			{ID: 1, Name: "nightly", Enabled: true, NamespaceID: 5, NamespaceName: "ns", Algorithm: "or", Rules: []client.PolicyRule{rule, {}},
				Trigger: client.PolicyTrigger{Type: "scheduled", TriggerSettings: struct {
					Cron string `json:"cron"`
				}{Cron: "0 0 1 * * *"}}},
			{ID: 2, Name: "manual", Trigger: client.PolicyTrigger{Type: "manual"}},
		}
		check(t, NewRetentionPoliciesDataSource(), "policies", policyItems.listType(), policyItems.values(policies, &notes))
	})
	t.Run("instances", func(t *testing.T) {
		check(t, NewInstancesDataSource(), "instances", instanceItems.listType(), instanceItems.values([]client.Instance{
			{ID: "ins-1", Name: "a", Status: "Running", CreatedAt: "2024-03-01T10:00:00Z", ExpiresAt: ""},
			{ID: "ins-2"},
		}, &notes))
	})
	t.Run("namespaces", func(t *testing.T) {
		check(t, NewNamespacesDataSource(), "namespaces", namespaceItems.listType(), namespaceItems.values([]client.Namespace{
			{Name: "ns", ID: 5, Metadata: client.NamespaceMetadata{Public: true}, RepoCount: 3, CreatedAt: "2024-03-01T10:00:00Z"},
			{Name: "empty"},
		}, &notes))
	})
	if diags := notes.warnings(); len(diags) > 0 {
		t.Errorf("the samples are sound, yet warned: %v", diags)
	}
}

// Writing state leaves the object it starts from (a Read's configuration) as it
// was: the framework compares the configuration with the new state.
func TestSetRawAttributes_LeavesItsSourceAlone(t *testing.T) {
	state, _ := stateOf(t, NewRetentionExecutionTasksDataSource())
	from := state.Raw.Copy()
	if diags := setRawAttributes(&state, from, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "x")}); diags.HasError() {
		t.Fatal(diags)
	}
	var attrs map[string]tftypes.Value
	if err := from.As(&attrs); err != nil || !attrs["id"].IsNull() {
		t.Errorf("the source's id is %v (%v), want it still null", attrs["id"], err)
	}
	if err := state.Raw.As(&attrs); err != nil || attrs["id"].IsNull() {
		t.Errorf("the state's id is %v (%v), want x", attrs["id"], err)
	}
}
