package provider

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

var (
	_ datasource.DataSource              = &retentionExecutionTasksDataSource{}
	_ datasource.DataSourceWithConfigure = &retentionExecutionTasksDataSource{}
)

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
			"id":             tasksID.attribute(url.Values{"status": {"Failed"}}),
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": pathSegmentAttribute("Name of the namespace the retention policy belongs to."),
			"policy_id":      positiveIDAttribute("ID of the retention policy."),
			"execution_id":   positiveIDAttribute("ID of the policy execution (one run of the policy)."),
			"status":         statusFilterAttribute("tasks", client.TaskStatuses),
			"total": schema.Int64Attribute{
				MarkdownDescription: "Number of tasks matching the arguments, as the API reports it; always the length of `tasks`.",
				Computed:            true,
			},
			"tasks_per_status": schema.MapAttribute{
				MarkdownDescription: "Number of tasks in each status. Every documented status is a key (" + quotedList(client.TaskStatuses) +
					"), 0 when no task has it, so `tasks_per_status[\"Failed\"] > 0` needs no lookup default. A status the API does not document counts under its own key, with a warning.",
				ElementType: types.Int64Type,
				Computed:    true,
			},
			"tasks_failed": schema.Int64Attribute{
				MarkdownDescription: "Number of tasks whose `failed` is true: `tasks_per_status[\"Failed\"]` plus the finished tasks whose status the API does not document. The gate of an audit: `tasks_failed == 0`.",
				Computed:            true,
			},
			"versions_total": schema.Int64Attribute{
				MarkdownDescription: "Sum of `total` over the tasks: artifact versions the execution considered." + saturationNote,
				Computed:            true,
			},
			"versions_retained": schema.Int64Attribute{
				MarkdownDescription: "Sum of `retained` over the tasks: artifact versions the execution kept." + saturationNote,
				Computed:            true,
			},
			"versions_removed": schema.Int64Attribute{
				MarkdownDescription: "`versions_total - versions_retained`: the versions the execution deleted. Harbor counts a task's `retained` as its `total` minus the " +
					"deletions that succeeded, so a deletion that failed counts as retained and a failed run counts only what it deleted; a dry run " +
					"deletes nothing, and its number is what a real run would have deleted. The deletions themselves are the sub-tasks with " +
					"`action` `DEL` and `status` `Succeed` (`swr_retention_execution_sub_tasks`)." + saturationNote,
				Computed: true,
			},
			"tasks": taskItems.listAttribute("The tasks, in the API's order. An execution without tasks gives an empty list."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// tasksID is the shape of the id.
var tasksID = idScheme{"<instance_id>", "<namespace_name>", "<policy_id>", "<execution_id>"}

// taskItems are the rows of one element of tasks.
var taskItems = newItemType("Task", func(t client.Task) string {
	return fmt.Sprintf("%d (repository %s)", t.ID, quoteUntrusted(t.Repository))
},
	int64Field("id", "Task ID.", func(t client.Task) int64 { return t.ID }),
	int64Field("execution_id", "ID of the execution the task belongs to.", func(t client.Task) int64 { return t.ExecutionID }),
	stringField("repository", "Repository the task worked on.", func(t client.Task) string { return t.Repository }),
	stringField("job_id", "Name of the job that ran the task.", func(t client.Task) string { return t.JobID }),
	statusField("status", "Status of the task", client.TaskStatuses, func(t client.Task) string { return t.Status }),
	failedField("task", client.TaskStatuses, func(t client.Task) string { return t.Status }, "`end_time` set, or `status_code` `3`", client.Task.Finished),
	int64Field("status_code", "Job status code: `0` pending, `1` scheduled, `2` running, `3` final (stopped, error or success).",
		func(t client.Task) int64 { return t.StatusCode }),
	int64Field("status_revision", "Revision of the job run (Unix seconds).", func(t client.Task) int64 { return t.StatusRevision }),
	timeField("start_time", "Start time", func(t client.Task) string { return t.StartTime }),
	timeField("end_time", "End time; null while the task runs", func(t client.Task) string { return t.EndTime }),
	countField("total", "Number of artifact versions the task considered.", func(t client.Task) int64 { return t.Total }),
	countField("retained", "Number of artifact versions the task kept: `total` minus the deletions that succeeded, so `total - retained` were deleted (in a dry run, would have been).",
		func(t client.Task) int64 { return t.Retained }, atMost("total", func(t client.Task) int64 { return t.Total })),
)

func (d *retentionExecutionTasksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionExecutionTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionTasksModel
	readList(ctx, d.data, req, resp, &model, &model.Timeouts, listRead[client.Task]{
		subject: "retention execution tasks", id: tasksID, attribute: "tasks", items: taskItems,
		list: func(ctx context.Context, c *client.Client) ([]client.Task, client.Filters, error) {
			in := client.ListTasksInput{
				ExecutionRef: executionRef(model.InstanceID, model.NamespaceName, model.PolicyID, model.ExecutionID),
				Status:       model.Status.ValueString(),
			}
			tasks, err := c.ListRetentionExecutionTasks(ctx, in)
			return tasks, in.Filters(), err
		},
		more: taskSummary,
	})
}

// saturationNote says, in the description of each sum, what an API whose counts
// overflow it gets: the bound, with a warning, never a wrapped-around number.
const saturationNote = " Should the API's counts add up beyond the range of a 64-bit integer, the sum stops at the bound it passed, with a warning."

// taskSummary are the counts an audit needs without HCL gymnastics. Every
// documented status is a key of tasks_per_status; a status outside them still
// counts, under its own key. The sums saturate (with a warning) rather than wrap.
func taskSummary(tasks []client.Task, _ []tftypes.Value, notes *readNotes) map[string]tftypes.Value {
	perStatus := make(map[string]int64, len(client.TaskStatuses))
	for _, status := range client.TaskStatuses {
		perStatus[status] = 0
	}
	var total, retained countSum
	var failed int64
	for _, t := range tasks {
		perStatus[t.Status]++
		if client.TaskStatuses.Failed(t.Status, t.Finished()) {
			failed++
		}
		ref := func() string { return "task " + taskItems.ref(t) }
		total.add(t.Total, ref)
		retained.add(t.Retained, ref)
	}
	removed := total.difference(retained)
	for _, s := range []struct {
		sum        countSum
		name, what string
	}{
		{total, "versions_total", "the sum of total over the tasks"},
		{retained, "versions_retained", "the sum of retained over the tasks"},
		{removed, "versions_removed", "versions_total - versions_retained"},
	} {
		if n, ok := s.sum.saturatedNote(s.name, s.what); ok {
			notes.add("saturated "+s.name, taskItems.kind, func() note { return n })
		}
	}
	return map[string]tftypes.Value{
		"total":             int64Value(int64(len(tasks))),
		"tasks_per_status":  int64MapValue(perStatus),
		"tasks_failed":      int64Value(failed),
		"versions_total":    int64Value(total.value),
		"versions_retained": int64Value(retained.value),
		"versions_removed":  int64Value(removed.value),
	}
}

type retentionExecutionTasksModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	NamespaceName    types.String   `tfsdk:"namespace_name"`
	PolicyID         types.Int64    `tfsdk:"policy_id"`
	ExecutionID      types.Int64    `tfsdk:"execution_id"`
	Status           types.String   `tfsdk:"status"`
	Total            types.Int64    `tfsdk:"total"`
	Tasks            types.List     `tfsdk:"tasks"`
	TasksPerStatus   types.Map      `tfsdk:"tasks_per_status"`
	TasksFailed      types.Int64    `tfsdk:"tasks_failed"`
	VersionsTotal    types.Int64    `tfsdk:"versions_total"`
	VersionsRetained types.Int64    `tfsdk:"versions_retained"`
	VersionsRemoved  types.Int64    `tfsdk:"versions_removed"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}
