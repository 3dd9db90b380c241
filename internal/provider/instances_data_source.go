package provider

import (
	"context"
	"net/url"

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
	computedString := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	computedTime := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the SWR Enterprise instances of the provider's project, so that an audit starts from " +
			"the account rather than from an instance id copied from the console. " +
			"Reads every page of the listing and returns the instances in the API's order. " +
			"An instance's `id` is the `instance_id` of `swr_namespaces` and `swr_retention_policies`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier built from the arguments: the project's instances, then the filters that are set as a query, e.g. `instances?status=Running`.",
				Computed:            true,
			},
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
			"instances": schema.ListNestedAttribute{
				MarkdownDescription: "The instances matching the arguments, in the API's order. An empty list when none does.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                    computedString("Instance ID."),
						"name":                  computedString("Instance name."),
						"description":           computedString("Description; empty when none was given."),
						"status":                computedString("Status: " + quotedList(client.InstanceStatuses) + "."),
						"spec":                  computedString("Specification, e.g. `swr.ee.professional`."),
						"version":               computedString("Version of the registry software."),
						"charge_mode":           computedString("Billing mode, e.g. `postPaid`."),
						"access_address":        computedString("Address at which the registry is reached; empty while the instance is being created."),
						"enterprise_project_id": computedString("Enterprise project of the instance."),
						"vpc_id":                computedString("ID of the VPC of the instance."),
						"vpc_name":              computedString("Name of the VPC of the instance."),
						"subnet_id":             computedString("ID of the subnet of the instance."),
						"subnet_name":           computedString("Name of the subnet of the instance."),
						"created_at":            computedTime("Creation time, RFC 3339; null when the API gives none."),
						"updated_at":            computedTime("Last update time, RFC 3339; null when the API gives none."),
						"expires_at":            computedTime("Expiry time of a yearly/monthly instance, RFC 3339; null when the API gives none (pay-per-use)."),
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *instancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *instancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model instancesModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()

	in := client.ListInstancesInput{
		Status:              model.Status.ValueString(),
		EnterpriseProjectID: model.EnterpriseProjectID.ValueString(),
		Name:                model.Name.ValueString(),
	}
	instances, err := read.client.ListInstances(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, "instances", "the region, project_id and endpoint"))
		return
	}

	list, diags := objectList(instanceAttrTypes, instances, instanceAttrs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	filters := url.Values{}
	for k, v := range map[string]string{"status": in.Status, "enterprise_project_id": in.EnterpriseProjectID, "name": in.Name} {
		if v != "" {
			filters.Set(k, v)
		}
	}
	model.ID = types.StringValue(dataSourceID([]string{"instances"}, filters))
	model.Instances = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// instanceAttrTypes is the object type of one element of instances.
var instanceAttrTypes = map[string]attr.Type{
	"id":                    types.StringType,
	"name":                  types.StringType,
	"description":           types.StringType,
	"status":                types.StringType,
	"spec":                  types.StringType,
	"version":               types.StringType,
	"charge_mode":           types.StringType,
	"access_address":        types.StringType,
	"enterprise_project_id": types.StringType,
	"vpc_id":                types.StringType,
	"vpc_name":              types.StringType,
	"subnet_id":             types.StringType,
	"subnet_name":           types.StringType,
	"created_at":            timetypes.RFC3339Type{},
	"updated_at":            timetypes.RFC3339Type{},
	"expires_at":            timetypes.RFC3339Type{},
}

func instanceAttrs(i client.Instance) (map[string]attr.Value, diag.Diagnostics) {
	created, diags := timeValue(i.CreatedAt, "Instance", i.ID, "created_at")
	updated, d := timeValue(i.UpdatedAt, "Instance", i.ID, "updated_at")
	diags.Append(d...)
	expires, d := timeValue(i.ExpiresAt, "Instance", i.ID, "expires_at")
	diags.Append(d...)
	return map[string]attr.Value{
		"id":                    types.StringValue(i.ID),
		"name":                  types.StringValue(i.Name),
		"description":           types.StringValue(i.Description),
		"status":                types.StringValue(i.Status),
		"spec":                  types.StringValue(i.Spec),
		"version":               types.StringValue(i.Version),
		"charge_mode":           types.StringValue(i.ChargeMode),
		"access_address":        types.StringValue(i.AccessAddress),
		"enterprise_project_id": types.StringValue(i.EnterpriseProjectID),
		"vpc_id":                types.StringValue(i.VpcID),
		"vpc_name":              types.StringValue(i.VpcName),
		"subnet_id":             types.StringValue(i.SubnetID),
		"subnet_name":           types.StringValue(i.SubnetName),
		"created_at":            created,
		"updated_at":            updated,
		"expires_at":            expires,
	}, diags
}

type instancesModel struct {
	ID                  types.String   `tfsdk:"id"`
	Status              types.String   `tfsdk:"status"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	Name                types.String   `tfsdk:"name"`
	Instances           types.List     `tfsdk:"instances"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}
