package provider

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

var (
	_ datasource.DataSource              = &retentionExecutionSubTasksDataSource{}
	_ datasource.DataSourceWithConfigure = &retentionExecutionSubTasksDataSource{}
)

// NewRetentionExecutionSubTasksDataSource is the constructor of swr_retention_execution_sub_tasks.
func NewRetentionExecutionSubTasksDataSource() datasource.DataSource {
	return &retentionExecutionSubTasksDataSource{}
}

type retentionExecutionSubTasksDataSource struct {
	data *providerData
}

func (d *retentionExecutionSubTasksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_retention_execution_sub_tasks"
}

func (d *retentionExecutionSubTasksDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the sub-tasks of one task of an SWR Enterprise image-retention policy execution: " +
			"one per artifact the task acted on (for action `DEL`, a tag it deleted), with the outcome of each. " +
			"Reads every page of the listing and returns the sub-tasks in the API's order.",
		Attributes: map[string]schema.Attribute{
			"id":             idAttribute([]string{"instance_id", "namespace_name", "policy_id", "execution_id", "task_id"}, url.Values{"status": {"Failed"}}),
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": pathSegmentAttribute("Name of the namespace the retention policy belongs to."),
			"policy_id":      positiveIDAttribute("ID of the retention policy."),
			"execution_id":   positiveIDAttribute("ID of the policy execution."),
			"task_id":        positiveIDAttribute("ID of the task (an `id` of `swr_retention_execution_tasks`)."),
			"status":         statusFilterAttribute("sub-tasks", client.SubTaskStatuses),
			"sub_tasks": schema.ListNestedAttribute{
				MarkdownDescription: "The sub-tasks, in the API's order. A task that acted on no artifact gives an empty list.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Sub-task ID."},
						"job_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the internal job, as text (the API may send it as a number or a string)."},
						"namespace":   schema.StringAttribute{Computed: true, MarkdownDescription: "Namespace of the artifact."},
						"repository":  schema.StringAttribute{Computed: true, MarkdownDescription: "Repository of the artifact."},
						"tag":         schema.StringAttribute{Computed: true, MarkdownDescription: "Tag (version) of the artifact."},
						"digest":      schema.StringAttribute{Computed: true, MarkdownDescription: "Digest of the artifact, e.g. `sha256:…`."},
						"action":      schema.StringAttribute{Computed: true, MarkdownDescription: "What was done to the artifact: `DEL` (deleted)."},
						"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the sub-task: " + quotedList(client.SubTaskStatuses) + "."},
						"status_text": schema.StringAttribute{Computed: true, MarkdownDescription: "Detail of the status, e.g. why a deletion failed; empty when the API gives none."},
						"op_time":     schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: timeAttributeDescription("Time of the operation")},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *retentionExecutionSubTasksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionExecutionSubTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionSubTasksModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()

	in := client.ListSubTasksInput{
		ExecutionRef: executionRef(model.InstanceID, model.NamespaceName, model.PolicyID, model.ExecutionID),
		TaskID:       model.TaskID.ValueInt64(),
		Status:       model.Status.ValueString(),
	}
	subTasks, err := read.client.ListRetentionExecutionSubTasks(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, "retention execution sub-tasks",
			fmt.Sprintf("instance_id %q, namespace_name %q, policy_id %d, execution_id %d and task_id %d", in.InstanceID, in.NamespaceName, in.PolicyID, in.ExecutionID, in.TaskID)))
		return
	}

	times := newAPITimes[int64]("Sub-task")
	list, diags := objectList(subTaskAttrTypes, subTasks, subTaskAttrs(times))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(times.warnings()...)
	if resp.Diagnostics.HasError() {
		return
	}
	filters := url.Values{}
	if in.Status != "" {
		filters.Set("status", in.Status)
	}
	model.ID = types.StringValue(dataSourceID([]string{in.InstanceID, in.NamespaceName, strconv.FormatInt(in.PolicyID, 10),
		strconv.FormatInt(in.ExecutionID, 10), strconv.FormatInt(in.TaskID, 10)}, filters))
	model.SubTasks = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// subTaskAttrTypes is the object type of one element of sub_tasks.
var subTaskAttrTypes = map[string]attr.Type{
	"id":          types.Int64Type,
	"job_id":      types.StringType,
	"namespace":   types.StringType,
	"repository":  types.StringType,
	"tag":         types.StringType,
	"digest":      types.StringType,
	"action":      types.StringType,
	"status":      types.StringType,
	"status_text": types.StringType,
	"op_time":     timetypes.RFC3339Type{},
}

// subTaskAttrs are the attributes of one sub-task; times collects the unreadable
// times for the read's warnings.
func subTaskAttrs(times *apiTimes[int64]) func(client.SubTask) (map[string]attr.Value, diag.Diagnostics) {
	return func(s client.SubTask) (map[string]attr.Value, diag.Diagnostics) {
		return map[string]attr.Value{
			"id":          types.Int64Value(s.ID),
			"job_id":      types.StringValue(string(s.JobID)),
			"namespace":   types.StringValue(s.Namespace),
			"repository":  types.StringValue(s.Repository),
			"tag":         types.StringValue(s.Tag),
			"digest":      types.StringValue(s.Digest),
			"action":      types.StringValue(s.Action),
			"status":      types.StringValue(s.Status),
			"status_text": types.StringValue(s.StatusText),
			"op_time":     times.rfc3339(s.ID, "op_time", s.OpTime),
		}, nil
	}
}

type retentionExecutionSubTasksModel struct {
	ID            types.String   `tfsdk:"id"`
	InstanceID    types.String   `tfsdk:"instance_id"`
	NamespaceName types.String   `tfsdk:"namespace_name"`
	PolicyID      types.Int64    `tfsdk:"policy_id"`
	ExecutionID   types.Int64    `tfsdk:"execution_id"`
	TaskID        types.Int64    `tfsdk:"task_id"`
	Status        types.String   `tfsdk:"status"`
	SubTasks      types.List     `tfsdk:"sub_tasks"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}
