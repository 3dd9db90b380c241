package provider

import (
	"context"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

var (
	_ datasource.DataSource              = &retentionExecutionsDataSource{}
	_ datasource.DataSourceWithConfigure = &retentionExecutionsDataSource{}
)

// NewRetentionExecutionsDataSource is the constructor of swr_retention_executions.
func NewRetentionExecutionsDataSource() datasource.DataSource {
	return &retentionExecutionsDataSource{}
}

type retentionExecutionsDataSource struct {
	data *providerData
}

func (d *retentionExecutionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_retention_executions"
}

func (d *retentionExecutionsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the executions (runs) of an SWR Enterprise image-retention policy, newest first, " +
			"and gives the newest one matching the arguments as `latest`, so that " +
			"`data.swr_retention_executions.x.latest.id` can feed `swr_retention_execution_tasks` directly. " +
			"The API filters executions by neither status nor dry run: the provider reads every page, then filters.",
		Attributes: map[string]schema.Attribute{
			"id":             executionsID.attribute(url.Values{"status": {"Failed"}, "dry_run": {"false"}}),
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": pathSegmentAttribute("Name of the namespace the retention policy belongs to."),
			"policy_id":      positiveIDAttribute("ID of the retention policy."),
			"status":         statusFilterAttribute("executions", client.ExecutionStatuses),
			"dry_run": schema.BoolAttribute{
				MarkdownDescription: "Only list dry runs (`true`, which removed nothing) or only real runs (`false`). Both when unset.",
				Optional:            true,
			},
			"executions": executionItems.listAttribute("The executions matching the arguments, newest (highest `id`) first. A policy that never ran gives an empty list."),
			"latest":     executionItems.objectAttribute("The newest execution matching the arguments (the first of `executions`); null when none matches."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// executionsID is the shape of the id.
var executionsID = idScheme{"<instance_id>", "<namespace_name>", "<policy_id>"}

// executionItems are the rows of one execution, in executions and in latest.
var executionItems = newItemType("Execution", idRef(func(e client.Execution) int64 { return e.ID }),
	int64Field("id", "Execution ID; the `execution_id` of `swr_retention_execution_tasks`.", func(e client.Execution) int64 { return e.ID }),
	int64Field("policy_id", "ID of the policy that ran.", func(e client.Execution) int64 { return e.PolicyID }),
	boolField("dry_run", "Whether the run was a dry run, which only reports what it would remove.", func(e client.Execution) bool { return e.DryRun }),
	statusField("status", "Status of the execution", client.ExecutionStatuses, func(e client.Execution) string { return e.Status }),
	failedField("execution", client.ExecutionStatuses, func(e client.Execution) string { return e.Status }, "`end_time` set",
		client.Execution.Finished),
	stringField("trigger", "What started the execution: `manual` or `scheduled`.", func(e client.Execution) string { return e.Trigger }),
	timeField("start_time", "Start time", func(e client.Execution) string { return e.StartTime }),
	timeField("end_time", "End time; null while the execution runs", func(e client.Execution) string { return e.EndTime }),
)

func (d *retentionExecutionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionExecutionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionsModel
	readList(ctx, d.data, req, resp, &model, &model.Timeouts, listRead[client.Execution]{
		subject: "retention policy executions", id: executionsID, attribute: "executions", items: executionItems,
		list: func(ctx context.Context, c *client.Client) ([]client.Execution, client.Filters, error) {
			in := client.ListExecutionsInput{
				PolicyRef: client.PolicyRef{
					InstanceID:    model.InstanceID.ValueString(),
					NamespaceName: model.NamespaceName.ValueString(),
					PolicyID:      model.PolicyID.ValueInt64(),
				},
				Status: model.Status.ValueString(),
				DryRun: model.DryRun.ValueBoolPointer(),
			}
			executions, err := c.ListRetentionExecutions(ctx, in)
			return executions, in.Filters(), err
		},
		more: latestExecution,
	})
}

// latestExecution is latest: the first of executions (newest first), as converted
// for the list.
func latestExecution(_ []client.Execution, values []tftypes.Value, _ *readNotes) map[string]tftypes.Value {
	latest := tftypes.NewValue(executionItems.tfType, nil)
	if len(values) > 0 {
		latest = values[0]
	}
	return map[string]tftypes.Value{"latest": latest}
}

type retentionExecutionsModel struct {
	ID            types.String   `tfsdk:"id"`
	InstanceID    types.String   `tfsdk:"instance_id"`
	NamespaceName types.String   `tfsdk:"namespace_name"`
	PolicyID      types.Int64    `tfsdk:"policy_id"`
	Status        types.String   `tfsdk:"status"`
	DryRun        types.Bool     `tfsdk:"dry_run"`
	Executions    types.List     `tfsdk:"executions"`
	Latest        types.Object   `tfsdk:"latest"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}
