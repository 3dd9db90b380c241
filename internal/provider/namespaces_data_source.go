package provider

import (
	"context"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
			"id":          namespacesID.attribute(url.Values{"public": {"false"}}),
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
			"namespaces": namespaceItems.listAttribute("The namespaces matching the arguments, in the API's order. An empty list when none does."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// namespacesID is the shape of the id.
var namespacesID = idScheme{"<instance_id>", "namespaces"}

// namespaceItems are the rows of one element of namespaces.
var namespaceItems = newItemType("Namespace", idRef(func(n client.Namespace) int64 { return n.ID }),
	stringField("name", "Namespace name.", func(n client.Namespace) string { return n.Name }),
	int64Field("id", "Namespace ID; the `namespace_id` of a retention policy.", func(n client.Namespace) int64 { return n.ID }),
	boolField("public", "Whether anyone may pull from the namespace.", func(n client.Namespace) bool { return bool(n.Metadata.Public) }),
	countField("repo_count", "Number of repositories in the namespace.", func(n client.Namespace) int64 { return n.RepoCount }),
	timeField("created_at", "Creation time; null when the API gives none", func(n client.Namespace) string { return n.CreatedAt }),
	timeField("updated_at", "Last update time; null when the API gives none", func(n client.Namespace) string { return n.UpdatedAt }),
)

func (d *namespacesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *namespacesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model namespacesModel
	readList(ctx, d.data, req, resp, &model, &model.Timeouts, listRead[client.Namespace]{
		subject: "namespaces", id: namespacesID, attribute: "namespaces", items: namespaceItems,
		list: func(ctx context.Context, c *client.Client) ([]client.Namespace, client.Filters, error) {
			in := client.ListNamespacesInput{InstanceID: model.InstanceID.ValueString(), Name: model.Name.ValueString(), Public: model.Public.ValueBoolPointer()}
			namespaces, err := c.ListNamespaces(ctx, in)
			return namespaces, in.Filters(), err
		},
	})
}

type namespacesModel struct {
	ID         types.String   `tfsdk:"id"`
	InstanceID types.String   `tfsdk:"instance_id"`
	Name       types.String   `tfsdk:"name"`
	Public     types.Bool     `tfsdk:"public"`
	Namespaces types.List     `tfsdk:"namespaces"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}
