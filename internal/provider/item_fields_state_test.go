package provider

import (
	"bytes"
	"context"
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

// tasksViaFramework is the tasks list as framework values, the way State.Set
// takes it: the reference taskTerraformValue must match.
func tasksViaFramework(t *testing.T, tasks []client.Task) types.List {
	t.Helper()
	elemType, ok := taskObjectType.(types.ObjectType)
	if !ok {
		t.Fatalf("taskObjectType is a %T, not a types.ObjectType", taskObjectType)
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

// taskTerraformValue puts into state exactly what State.Set would: the same
// value, and the same bytes on the wire, for no tasks, for tasks still running
// (null end time) and for many tasks.
func TestTaskTerraformValue_StateEqualsStateSet(t *testing.T) {
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	NewRetentionExecutionTasksDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	stateType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the schema's type is not an object: %s", schemaResp.Schema.Type())
	}
	nulls := make(map[string]tftypes.Value, len(stateType.AttributeTypes))
	for name, at := range stateType.AttributeTypes {
		nulls[name] = tftypes.NewValue(at, nil)
	}
	empty := tftypes.NewValue(stateType, nulls)

	running := benchClientTasks(3)
	running[1].EndTime, running[1].Status, running[1].Repository = "", "InProgress", "ns/ünïcode-repo"
	for name, tasks := range map[string][]client.Task{"none": {}, "running": running, "many": benchClientTasks(500)} {
		t.Run(name, func(t *testing.T) {
			viaSet := tfsdk.State{Schema: schemaResp.Schema, Raw: empty}
			if diags := viaSet.SetAttribute(ctx, path.Root("tasks"), tasksViaFramework(t, tasks)); diags.HasError() {
				t.Fatal(diags)
			}
			raw := taskTerraformValue(tasks, newAPITimes[int64]("Task"))
			direct := tfsdk.State{Schema: schemaResp.Schema, Raw: empty}
			if diags := setRawAttribute(&direct, "tasks", raw); diags.HasError() {
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
		})
	}
}
