package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

var (
	_ datasource.DataSource              = &retentionExecutionTasksDataSource{}
	_ datasource.DataSourceWithConfigure = &retentionExecutionTasksDataSource{}
)

// defaultReadTimeout bounds a read when the configuration sets no timeouts.read.
const defaultReadTimeout = 5 * time.Minute

// NewRetentionExecutionTasksDataSource is the constructor of swr_retention_execution_tasks.
func NewRetentionExecutionTasksDataSource() datasource.DataSource {
	return &retentionExecutionTasksDataSource{}
}

type retentionExecutionTasksDataSource struct {
	data *providerData
}

func (d *retentionExecutionTasksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_retention_execution_tasks"
}

func (d *retentionExecutionTasksDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tasks of one execution of an SWR Enterprise image-retention policy: one task per " +
			"repository, with how many artifact versions it considered (`total`) and kept (`retained`). " +
			"Reads every page of the listing and returns the tasks in the API's order.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier built from the arguments: `<instance_id>/<namespace_name>/<policy_id>/<execution_id>`, with `/<status>` when filtered.",
				Computed:            true,
			},
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": pathSegmentAttribute("Name of the namespace the retention policy belongs to."),
			"policy_id":      positiveIDAttribute("ID of the retention policy."),
			"execution_id":   positiveIDAttribute("ID of the policy execution (one run of the policy)."),
			"status": schema.StringAttribute{
				MarkdownDescription: "Only list tasks in this status, one of " + quotedList(client.TaskStatuses) + " (case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.TaskStatuses...)},
			},
			"total": schema.Int64Attribute{
				MarkdownDescription: "Number of tasks matching the arguments, as the API reports it; always the length of `tasks`.",
				Computed:            true,
			},
			"tasks": schema.ListNestedAttribute{
				MarkdownDescription: "The tasks, in the API's order. An execution without tasks gives an empty list.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Task ID."},
						"execution_id":    schema.Int64Attribute{Computed: true, MarkdownDescription: "ID of the execution the task belongs to."},
						"repository":      schema.StringAttribute{Computed: true, MarkdownDescription: "Repository the task worked on."},
						"job_id":          schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the job that ran the task."},
						"status":          schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the task: " + quotedList(client.TaskStatuses) + "."},
						"status_code":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Job status code: `0` pending, `1` scheduled, `2` running, `3` final (stopped, error or success)."},
						"status_revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "Revision of the job run (Unix seconds)."},
						"start_time":      schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "Start time, RFC 3339."},
						"end_time":        schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "End time, RFC 3339; null while the task runs."},
						"total":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of artifact versions the task considered."},
						"retained":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of artifact versions the task kept; `total - retained` were removed."},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *retentionExecutionTasksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *retentionExecutionTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionTasksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The swr provider was not configured before the data source was read. This is a bug in the provider; please report it.")
		return
	}
	readTimeout, diags := model.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	ctx = withAPILogging(ctx, d.data.secrets)

	in := client.ListTasksInput{
		ExecutionRef: client.ExecutionRef{
			InstanceID:    model.InstanceID.ValueString(),
			NamespaceName: model.NamespaceName.ValueString(),
			PolicyID:      model.PolicyID.ValueInt64(),
			ExecutionID:   model.ExecutionID.ValueInt64(),
		},
		Status: model.Status.ValueString(),
	}
	tasks, err := d.data.client.ListRetentionExecutionTasks(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(readErrorDiagnostic(ctx, err, d.data.client.AuthMethod(),
			"retention execution tasks",
			fmt.Sprintf("instance_id %q, namespace_name %q, policy_id %d and execution_id %d", in.InstanceID, in.NamespaceName, in.PolicyID, in.ExecutionID),
			fmt.Sprintf("Raise the read timeout (now %s) with a timeouts block, e.g. timeouts { read = \"10m\" }, or check that the endpoint answers.", readTimeout),
		))
		return
	}

	list, diags := taskListValue(tasks)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := fmt.Sprintf("%s/%s/%d/%d", in.InstanceID, in.NamespaceName, in.PolicyID, in.ExecutionID)
	if in.Status != "" {
		id += "/" + in.Status
	}
	model.ID = types.StringValue(id)
	model.Total = types.Int64Value(int64(len(tasks)))
	model.Tasks = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// taskAttrTypes is the object type of one element of tasks.
var taskAttrTypes = map[string]attr.Type{
	"id":              types.Int64Type,
	"execution_id":    types.Int64Type,
	"repository":      types.StringType,
	"job_id":          types.StringType,
	"status":          types.StringType,
	"status_code":     types.Int64Type,
	"status_revision": types.Int64Type,
	"start_time":      timetypes.RFC3339Type{},
	"end_time":        timetypes.RFC3339Type{},
	"total":           types.Int64Type,
	"retained":        types.Int64Type,
}

// taskListValue builds the tasks list directly from attr values: going through
// tfsdk-tagged structs would reflect over every field of every task.
func taskListValue(tasks []client.Task) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	objType := types.ObjectType{AttrTypes: taskAttrTypes}
	elems := make([]attr.Value, len(tasks))
	for i, t := range tasks {
		start, d := timeValue(t.StartTime, t.ID, "start_time")
		diags.Append(d...)
		end, d := timeValue(t.EndTime, t.ID, "end_time")
		diags.Append(d...)
		if diags.HasError() {
			return types.ListNull(objType), diags
		}
		obj, d := types.ObjectValue(taskAttrTypes, map[string]attr.Value{
			"id":              types.Int64Value(t.ID),
			"execution_id":    types.Int64Value(t.ExecutionID),
			"repository":      types.StringValue(t.Repository),
			"job_id":          types.StringValue(t.JobID),
			"status":          types.StringValue(t.Status),
			"status_code":     types.Int64Value(t.StatusCode),
			"status_revision": types.Int64Value(t.StatusRevision),
			"start_time":      start,
			"end_time":        end,
			"total":           types.Int64Value(t.Total),
			"retained":        types.Int64Value(t.Retained),
		})
		diags.Append(d...)
		if diags.HasError() {
			return types.ListNull(objType), diags
		}
		elems[i] = obj
	}
	list, d := types.ListValue(objType, elems)
	diags.Append(d...)
	return list, diags
}

// timeValue maps an API time to an RFC 3339 value; an empty time is null.
func timeValue(s string, taskID int64, field string) (timetypes.RFC3339, diag.Diagnostics) {
	if s == "" {
		return timetypes.NewRFC3339Null(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Invalid time in the SWR API response",
			fmt.Sprintf("Task %d has %s %q, which is not an RFC 3339 time. This is a fault of the API; please report it with the task id.", taskID, field, s))
		return timetypes.NewRFC3339Null(), diags
	}
	_ = t
	return timetypes.NewRFC3339ValueMust(s), nil
}

// pathSegmentRegexp accepts a value that can only ever be one path segment.
var pathSegmentRegexp = regexp.MustCompile(`^[^/?#%\\\s\x00-\x1f\x7f]+$`)

// pathSegmentAttribute is a required string that becomes one URL path segment.
func pathSegmentAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators: []validator.String{
			stringvalidator.LengthBetween(1, 255),
			stringvalidator.RegexMatches(pathSegmentRegexp, "must not be blank or contain '/', '\\', '?', '#', '%', whitespace or control characters"),
			stringvalidator.NoneOf(".", ".."),
		},
	}
}

// positiveIDAttribute is a required id in the API's int32 range.
func positiveIDAttribute(description string) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: description + " From 1 to 2147483647.",
		Required:            true,
		Validators:          []validator.Int64{int64validator.Between(1, 1<<31-1)},
	}
}

func quotedList(values []string) string {
	out := ""
	for i, v := range values {
		if i > 0 {
			out += ", "
		}
		out += "`" + v + "`"
	}
	return out
}

type retentionExecutionTasksModel struct {
	ID            types.String   `tfsdk:"id"`
	InstanceID    types.String   `tfsdk:"instance_id"`
	NamespaceName types.String   `tfsdk:"namespace_name"`
	PolicyID      types.Int64    `tfsdk:"policy_id"`
	ExecutionID   types.Int64    `tfsdk:"execution_id"`
	Status        types.String   `tfsdk:"status"`
	Total         types.Int64    `tfsdk:"total"`
	Tasks         types.List     `tfsdk:"tasks"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}
