package provider

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
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
	_ datasource.DataSource              = &namespacesDataSource{}
	_ datasource.DataSourceWithConfigure = &namespacesDataSource{}
)

// NewNamespacesDataSource is the constructor of swr_namespaces.
func NewNamespacesDataSource() datasource.DataSource {
	return &namespacesDataSource{}
}

type namespacesDataSource struct {
	data *providerData
}

func (d *namespacesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_namespaces"
}

func (d *namespacesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the namespaces of an SWR Enterprise instance. " +
			"Reads every page of the listing and returns the namespaces in the API's order. " +
			"A namespace's `name` is the `namespace_name` of the retention data sources; compared with the " +
			"`namespace_name` of `swr_retention_policies`, it shows the namespaces no retention policy cleans up.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier built from the arguments: `<instance_id>/namespaces`, then the filters that are set as a query, e.g. `?public=false`.",
				Computed:            true,
			},
			"instance_id": pathSegmentAttribute("ID of the SWR Enterprise instance (an `id` of `swr_instances`)."),
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the namespace with exactly this name. Sent to the API, and matched exactly by the provider whatever the API's filter matches.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"public": schema.BoolAttribute{
				MarkdownDescription: "Only list public (`true`) or private (`false`) namespaces. Both when unset.",
				Optional:            true,
			},
			"namespaces": schema.ListNestedAttribute{
				MarkdownDescription: "The namespaces matching the arguments, in the API's order. An empty list when none does.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "Namespace name."},
						"id":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Namespace ID; the `namespace_id` of a retention policy."},
						"public":     schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether anyone may pull from the namespace."},
						"repo_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of repositories in the namespace."},
						"created_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "Creation time, RFC 3339; null when the API gives none."},
						"updated_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "Last update time, RFC 3339; null when the API gives none."},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *namespacesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *namespacesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model namespacesModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()

	in := client.ListNamespacesInput{InstanceID: model.InstanceID.ValueString(), Name: model.Name.ValueString()}
	filters := url.Values{}
	if in.Name != "" {
		filters.Set("name", in.Name)
	}
	if !model.Public.IsNull() {
		public := model.Public.ValueBool()
		in.Public = &public
		filters.Set("public", strconv.FormatBool(public))
	}
	namespaces, err := read.client.ListNamespaces(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, "namespaces", fmt.Sprintf("instance_id %q", in.InstanceID)))
		return
	}

	list, diags := objectList(namespaceAttrTypes, namespaces, namespaceAttrs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.ID = types.StringValue(dataSourceID([]string{in.InstanceID, "namespaces"}, filters))
	model.Namespaces = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// namespaceAttrTypes is the object type of one element of namespaces.
var namespaceAttrTypes = map[string]attr.Type{
	"name":       types.StringType,
	"id":         types.Int64Type,
	"public":     types.BoolType,
	"repo_count": types.Int64Type,
	"created_at": timetypes.RFC3339Type{},
	"updated_at": timetypes.RFC3339Type{},
}

func namespaceAttrs(n client.Namespace) (map[string]attr.Value, diag.Diagnostics) {
	created, diags := timeValue(n.CreatedAt, "Namespace", n.ID, "created_at")
	updated, d := timeValue(n.UpdatedAt, "Namespace", n.ID, "updated_at")
	diags.Append(d...)
	return map[string]attr.Value{
		"name":       types.StringValue(n.Name),
		"id":         types.Int64Value(n.ID),
		"public":     types.BoolValue(bool(n.Metadata.Public)),
		"repo_count": types.Int64Value(n.RepoCount),
		"created_at": created,
		"updated_at": updated,
	}, diags
}

type namespacesModel struct {
	ID         types.String   `tfsdk:"id"`
	InstanceID types.String   `tfsdk:"instance_id"`
	Name       types.String   `tfsdk:"name"`
	Public     types.Bool     `tfsdk:"public"`
	Namespaces types.List     `tfsdk:"namespaces"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}
