package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
			"id":             idAttribute([]string{"instance_id", "namespace_name", "policy_id", "execution_id"}, url.Values{"status": {"Failed"}}),
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
					"), 0 when no task has it, so `tasks_per_status[\"Failed\"] > 0` needs no lookup default.",
				ElementType: types.Int64Type,
				Computed:    true,
			},
			"versions_total": schema.Int64Attribute{
				MarkdownDescription: "Sum of `total` over the tasks: artifact versions the execution considered.",
				Computed:            true,
			},
			"versions_retained": schema.Int64Attribute{
				MarkdownDescription: "Sum of `retained` over the tasks: artifact versions the execution kept.",
				Computed:            true,
			},
			"versions_removed": schema.Int64Attribute{
				MarkdownDescription: "`versions_total - versions_retained`: the versions the tasks listed did not keep (for a dry run, would not keep), whatever their status; not confirmed deletions, which are the sub-tasks with `action` `DEL` and `status` `Succeed`.",
				Computed:            true,
			},
			"tasks": schema.ListNestedAttribute{
				MarkdownDescription: "The tasks, in the API's order. An execution without tasks gives an empty list.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: taskAttributes()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// taskAttributes describe one element of tasks.
func taskAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Task ID."},
		"execution_id":    schema.Int64Attribute{Computed: true, MarkdownDescription: "ID of the execution the task belongs to."},
		"repository":      schema.StringAttribute{Computed: true, MarkdownDescription: "Repository the task worked on."},
		"job_id":          schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the job that ran the task."},
		"status":          schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the task: " + quotedList(client.TaskStatuses) + "."},
		"status_code":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Job status code: `0` pending, `1` scheduled, `2` running, `3` final (stopped, error or success)."},
		"status_revision": schema.Int64Attribute{Computed: true, MarkdownDescription: "Revision of the job run (Unix seconds)."},
		"start_time":      schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: timeAttributeDescription("Start time")},
		"end_time":        schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: timeAttributeDescription("End time; null while the task runs")},
		"total":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of artifact versions the task considered."},
		"retained":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of artifact versions the task kept; `total - retained` were removed."},
	}
}

func (d *retentionExecutionTasksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionExecutionTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionTasksModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()

	in := client.ListTasksInput{
		ExecutionRef: executionRef(model.InstanceID, model.NamespaceName, model.PolicyID, model.ExecutionID),
		Status:       model.Status.ValueString(),
	}
	tasks, err := read.client.ListRetentionExecutionTasks(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, "retention execution tasks",
			fmt.Sprintf("instance_id %q, namespace_name %q, policy_id %d and execution_id %d", in.InstanceID, in.NamespaceName, in.PolicyID, in.ExecutionID)))
		return
	}

	times := newAPITimes[int64]("Task")
	tasksValue := taskTerraformValue(tasks, times)
	resp.Diagnostics.Append(times.warnings()...)
	if resp.Diagnostics.HasError() {
		return
	}
	filters := url.Values{}
	if in.Status != "" {
		filters.Set("status", in.Status)
	}
	model.ID = types.StringValue(dataSourceID([]string{in.InstanceID, in.NamespaceName, strconv.FormatInt(in.PolicyID, 10),
		strconv.FormatInt(in.ExecutionID, 10)}, filters))
	model.Total = types.Int64Value(int64(len(tasks)))
	// tasks goes into state below as a ready-made Terraform value; Set would turn a
	// large list into framework values and back several times (see bench_test.go).
	model.Tasks = types.ListNull(taskObjectType)
	summary := summarizeTasks(tasks)
	perStatus, diags := types.MapValueFrom(ctx, types.Int64Type, summary.perStatus)
	resp.Diagnostics.Append(diags...)
	model.TasksPerStatus = perStatus
	model.VersionsTotal = types.Int64Value(summary.versionsTotal)
	model.VersionsRetained = types.Int64Value(summary.versionsRetained)
	model.VersionsRemoved = types.Int64Value(summary.versionsTotal - summary.versionsRetained)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setRawAttribute(&resp.State, "tasks", tasksValue)...)
}

// taskSummary holds the counts an audit needs without HCL gymnastics.
type taskSummary struct {
	perStatus                       map[string]int64
	versionsTotal, versionsRetained int64
}

func summarizeTasks(tasks []client.Task) taskSummary {
	s := taskSummary{perStatus: make(map[string]int64, len(client.TaskStatuses))}
	for _, status := range client.TaskStatuses {
		s.perStatus[status] = 0
	}
	for _, t := range tasks {
		// A status outside the documented six still counts, under its own key.
		s.perStatus[t.Status]++
		s.versionsTotal += t.Total
		s.versionsRetained += t.Retained
	}
	return s
}

// taskObjectType is the type of one element of tasks, derived from the schema's
// taskAttributes so that the two cannot disagree; taskTerraformType is the same
// as a tftypes type, for taskTerraformValue.
var (
	taskObjectType    = schema.NestedAttributeObject{Attributes: taskAttributes()}.Type()
	taskTerraformType = taskObjectType.TerraformType(context.Background())
)

// taskTerraformValue builds the tasks list as a Terraform value directly. At 10,000
// tasks this halves the time and allocations of a read compared with building
// framework values and letting State.Set convert them (measured with
// BenchmarkReadDataSource); the state it produces is byte for byte the same
// (TestTaskTerraformValue_StateEqualsStateSet).
// times collects the unreadable times for the read's warnings.
func taskTerraformValue(tasks []client.Task, times *apiTimes[int64]) tftypes.Value {
	listType := tftypes.List{ElementType: taskTerraformType}
	elems := make([]tftypes.Value, len(tasks))
	for i, t := range tasks {
		start := times.raw(t.ID, "start_time", t.StartTime)
		end := times.raw(t.ID, "end_time", t.EndTime)
		elems[i] = tftypes.NewValue(taskTerraformType, map[string]tftypes.Value{
			"id":              tftypes.NewValue(tftypes.Number, t.ID),
			"execution_id":    tftypes.NewValue(tftypes.Number, t.ExecutionID),
			"repository":      tftypes.NewValue(tftypes.String, t.Repository),
			"job_id":          tftypes.NewValue(tftypes.String, t.JobID),
			"status":          tftypes.NewValue(tftypes.String, t.Status),
			"status_code":     tftypes.NewValue(tftypes.Number, t.StatusCode),
			"status_revision": tftypes.NewValue(tftypes.Number, t.StatusRevision),
			"start_time":      start,
			"end_time":        end,
			"total":           tftypes.NewValue(tftypes.Number, t.Total),
			"retained":        tftypes.NewValue(tftypes.Number, t.Retained),
		})
	}
	return tftypes.NewValue(listType, elems)
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
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	NamespaceName    types.String   `tfsdk:"namespace_name"`
	PolicyID         types.Int64    `tfsdk:"policy_id"`
	ExecutionID      types.Int64    `tfsdk:"execution_id"`
	Status           types.String   `tfsdk:"status"`
	Total            types.Int64    `tfsdk:"total"`
	Tasks            types.List     `tfsdk:"tasks"`
	TasksPerStatus   types.Map      `tfsdk:"tasks_per_status"`
	VersionsTotal    types.Int64    `tfsdk:"versions_total"`
	VersionsRetained types.Int64    `tfsdk:"versions_retained"`
	VersionsRemoved  types.Int64    `tfsdk:"versions_removed"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}
