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
	_ datasource.DataSource              = &instancesDataSource{}
	_ datasource.DataSourceWithConfigure = &instancesDataSource{}
)

// NewInstancesDataSource is the constructor of swr_instances.
func NewInstancesDataSource() datasource.DataSource {
	return &instancesDataSource{}
}

type instancesDataSource struct {
	data *providerData
}

func (d *instancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instances"
}

func (d *instancesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the SWR Enterprise instances of the provider's project, so that an audit starts from " +
			"the account rather than from an instance id copied from the console. " +
			"Reads every page of the listing and returns the instances in the API's order. " +
			"An instance's `id` is the `instance_id` of `swr_namespaces` and `swr_retention_policies`.",
		Attributes: map[string]schema.Attribute{
			"id":     instancesID.attribute(url.Values{"status": {"Running"}}),
			"status": statusFilterAttribute("instances", client.InstanceStatuses),
			"enterprise_project_id": schema.StringAttribute{
				MarkdownDescription: "Only list the instances of this enterprise project (`0` is the default project).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the instances with exactly this name (case-sensitive). The API has no name filter: the provider reads every instance matching the other arguments, then keeps this one's.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"instances": instanceItems.listAttribute("The instances matching the arguments, in the API's order. An empty list when none does."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// instancesID is the shape of the id.
var instancesID = idScheme{"instances"}

// instanceItems are the rows of one element of instances.
var instanceItems = newItemType("Instance", stringIDRef(func(i client.Instance) string { return i.ID }),
	stringField("id", "Instance ID.", func(i client.Instance) string { return i.ID }),
	stringField("name", "Instance name.", func(i client.Instance) string { return i.Name }),
	stringField("description", "Description; empty when none was given.", func(i client.Instance) string { return i.Description }),
	stringField("status", "Status: "+quotedList(client.InstanceStatuses)+".", func(i client.Instance) string { return i.Status }),
	stringField("spec", "Specification, e.g. `swr.ee.professional`.", func(i client.Instance) string { return i.Spec }),
	stringField("version", "Version of the registry software.", func(i client.Instance) string { return i.Version }),
	stringField("charge_mode", "Billing mode, e.g. `postPaid`.", func(i client.Instance) string { return i.ChargeMode }),
	stringField("access_address", "Address at which the registry is reached; empty while the instance is being created.",
		func(i client.Instance) string { return i.AccessAddress }),
	stringField("enterprise_project_id", "Enterprise project of the instance.", func(i client.Instance) string { return i.EnterpriseProjectID }),
	stringField("vpc_id", "ID of the VPC of the instance.", func(i client.Instance) string { return i.VpcID }),
	stringField("vpc_name", "Name of the VPC of the instance.", func(i client.Instance) string { return i.VpcName }),
	stringField("vpc_cidr", "CIDR block of the VPC of the instance, e.g. `192.168.0.0/16`.", func(i client.Instance) string { return i.VpcCidr }),
	stringField("subnet_id", "ID of the subnet of the instance.", func(i client.Instance) string { return i.SubnetID }),
	stringField("subnet_name", "Name of the subnet of the instance.", func(i client.Instance) string { return i.SubnetName }),
	stringField("subnet_cidr", "CIDR block of the subnet of the instance, e.g. `192.168.0.0/24`.", func(i client.Instance) string { return i.SubnetCidr }),
	timeField("created_at", "Creation time; null when the API gives none", func(i client.Instance) string { return i.CreatedAt }),
	timeField("updated_at", "Last update time; null when the API gives none", func(i client.Instance) string { return i.UpdatedAt }),
	timeField("expires_at", "Expiry time of a yearly/monthly instance; null when the API gives none (pay-per-use)",
		func(i client.Instance) string { return i.ExpiresAt }),
)

func (d *instancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *instancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model instancesModel
	readList(ctx, d.data, req, resp, &model, &model.Timeouts, listRead[client.Instance]{
		subject: "instances", id: instancesID, attribute: "instances", items: instanceItems,
		list: func(ctx context.Context, c *client.Client) ([]client.Instance, client.Filters, error) {
			in := client.ListInstancesInput{
				Status:              model.Status.ValueString(),
				EnterpriseProjectID: model.EnterpriseProjectID.ValueString(),
				Name:                model.Name.ValueString(),
			}
			instances, err := c.ListInstances(ctx, in)
			return instances, in.Filters(), err
		},
	})
}

type instancesModel struct {
	ID                  types.String   `tfsdk:"id"`
	Status              types.String   `tfsdk:"status"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	Name                types.String   `tfsdk:"name"`
	Instances           types.List     `tfsdk:"instances"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}
