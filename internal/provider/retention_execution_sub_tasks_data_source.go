package provider

import (
	"context"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
			"id":             subTasksID.attribute(url.Values{"status": {"Failed"}}),
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": pathSegmentAttribute("Name of the namespace the retention policy belongs to."),
			"policy_id":      positiveIDAttribute("ID of the retention policy."),
			"execution_id":   positiveIDAttribute("ID of the policy execution."),
			"task_id":        positiveIDAttribute("ID of the task (an `id` of `swr_retention_execution_tasks`)."),
			"status":         statusFilterAttribute("sub-tasks", client.SubTaskStatuses),
			"sub_tasks":      subTaskItems.listAttribute("The sub-tasks, in the API's order. A task that acted on no artifact gives an empty list."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// subTasksID is the shape of the id.
var subTasksID = idScheme{"<instance_id>", "<namespace_name>", "<policy_id>", "<execution_id>", "<task_id>"}

// subTaskItems are the rows of one element of sub_tasks.
var subTaskItems = newItemType("Sub-task", idRef(func(s client.SubTask) int64 { return s.ID }),
	int64Field("id", "Sub-task ID.", func(s client.SubTask) int64 { return s.ID }),
	stringField("job_id", "ID of the internal job, as text (the API may send it as a number or a string).", func(s client.SubTask) string { return string(s.JobID) }),
	stringField("namespace", "Namespace of the artifact.", func(s client.SubTask) string { return s.Namespace }),
	stringField("repository", "Repository of the artifact.", func(s client.SubTask) string { return s.Repository }),
	stringField("tag", "Tag (version) of the artifact.", func(s client.SubTask) string { return s.Tag }),
	stringField("digest", "Digest of the artifact, e.g. `sha256:…`.", func(s client.SubTask) string { return s.Digest }),
	stringField("action", "What was done to the artifact: `DEL` (deleted).", func(s client.SubTask) string { return s.Action }),
	statusField("status", "Status of the sub-task", client.SubTaskStatuses, func(s client.SubTask) string { return s.Status }),
	stringField("status_text", "Detail of the status, e.g. why a deletion failed; empty when the API gives none.", func(s client.SubTask) string { return s.StatusText }),
	timeField("op_time", "Time of the operation", func(s client.SubTask) string { return s.OpTime }),
)

func (d *retentionExecutionSubTasksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionExecutionSubTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionSubTasksModel
	readList(ctx, d.data, req, resp, &model, &model.Timeouts, listRead[client.SubTask]{
		subject: "retention execution sub-tasks", id: subTasksID, attribute: "sub_tasks", items: subTaskItems,
		list: func(ctx context.Context, c *client.Client) ([]client.SubTask, client.Filters, error) {
			in := client.ListSubTasksInput{
				ExecutionRef: executionRef(model.InstanceID, model.NamespaceName, model.PolicyID, model.ExecutionID),
				TaskID:       model.TaskID.ValueInt64(),
				Status:       model.Status.ValueString(),
			}
			subTasks, err := c.ListRetentionExecutionSubTasks(ctx, in)
			return subTasks, in.Filters(), err
		},
	})
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
