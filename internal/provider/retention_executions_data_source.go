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
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier built from the arguments: `<instance_id>/<namespace_name>/<policy_id>`, then the filters that are set as a query, e.g. `?dry_run=false&status=Failed`.",
				Computed:            true,
			},
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": pathSegmentAttribute("Name of the namespace the retention policy belongs to."),
			"policy_id":      positiveIDAttribute("ID of the retention policy."),
			"status":         statusFilterAttribute("executions", client.ExecutionStatuses),
			"dry_run": schema.BoolAttribute{
				MarkdownDescription: "Only list dry runs (`true`, which removed nothing) or only real runs (`false`). Both when unset.",
				Optional:            true,
			},
			"executions": schema.ListNestedAttribute{
				MarkdownDescription: "The executions matching the arguments, newest (highest `id`) first. A policy that never ran gives an empty list.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: executionAttributes()},
			},
			"latest": schema.SingleNestedAttribute{
				MarkdownDescription: "The newest execution matching the arguments (the first of `executions`); null when none matches.",
				Computed:            true,
				Attributes:          executionAttributes(),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// executionAttributes describe one execution, in executions and in latest.
func executionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Execution ID; the `execution_id` of `swr_retention_execution_tasks`."},
		"policy_id":  schema.Int64Attribute{Computed: true, MarkdownDescription: "ID of the policy that ran."},
		"dry_run":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the run was a dry run, which only reports what it would remove."},
		"status":     schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the execution: " + quotedList(client.ExecutionStatuses) + "."},
		"trigger":    schema.StringAttribute{Computed: true, MarkdownDescription: "What started the execution: `manual` or `scheduled`."},
		"start_time": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "Start time, RFC 3339."},
		"end_time":   schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "End time, RFC 3339; null while the execution runs."},
	}
}

func (d *retentionExecutionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionExecutionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionExecutionsModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()

	in := client.ListExecutionsInput{
		PolicyRef: client.PolicyRef{
			InstanceID:    model.InstanceID.ValueString(),
			NamespaceName: model.NamespaceName.ValueString(),
			PolicyID:      model.PolicyID.ValueInt64(),
		},
		Status: model.Status.ValueString(),
	}
	filters := url.Values{}
	if in.Status != "" {
		filters.Set("status", in.Status)
	}
	if !model.DryRun.IsNull() {
		dryRun := model.DryRun.ValueBool()
		in.DryRun = &dryRun
		filters.Set("dry_run", strconv.FormatBool(dryRun))
	}
	executions, err := read.client.ListRetentionExecutions(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, "retention policy executions",
			fmt.Sprintf("instance_id %q, namespace_name %q and policy_id %d", in.InstanceID, in.NamespaceName, in.PolicyID)))
		return
	}

	list, diags := objectList(executionAttrTypes, executions, executionAttrs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The newest execution matching the filters is the list's first element.
	latest := types.ObjectNull(executionAttrTypes)
	if elems := list.Elements(); len(elems) > 0 {
		first, ok := elems[0].(types.Object)
		if !ok {
			resp.Diagnostics.AddError("Internal error building latest",
				fmt.Sprintf("An execution was built as %T, not an object. This is a bug in the provider; please report it.", elems[0]))
			return
		}
		latest = first
	}
	model.ID = types.StringValue(dataSourceID([]string{in.InstanceID, in.NamespaceName, strconv.FormatInt(in.PolicyID, 10)}, filters))
	model.Executions = list
	model.Latest = latest
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// executionAttrTypes is the object type of one execution.
var executionAttrTypes = map[string]attr.Type{
	"id":         types.Int64Type,
	"policy_id":  types.Int64Type,
	"dry_run":    types.BoolType,
	"status":     types.StringType,
	"trigger":    types.StringType,
	"start_time": timetypes.RFC3339Type{},
	"end_time":   timetypes.RFC3339Type{},
}

func executionAttrs(e client.Execution) (map[string]attr.Value, diag.Diagnostics) {
	start, diags := timeValue(e.StartTime, "Execution", e.ID, "start_time")
	end, d := timeValue(e.EndTime, "Execution", e.ID, "end_time")
	diags.Append(d...)
	return map[string]attr.Value{
		"id":         types.Int64Value(e.ID),
		"policy_id":  types.Int64Value(e.PolicyID),
		"dry_run":    types.BoolValue(e.DryRun),
		"status":     types.StringValue(e.Status),
		"trigger":    types.StringValue(e.Trigger),
		"start_time": start,
		"end_time":   end,
	}, diags
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
