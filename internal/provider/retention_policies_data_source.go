package provider

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource              = &retentionPoliciesDataSource{}
	_ datasource.DataSourceWithConfigure = &retentionPoliciesDataSource{}
)

// NewRetentionPoliciesDataSource is the constructor of swr_retention_policies.
func NewRetentionPoliciesDataSource() datasource.DataSource {
	return &retentionPoliciesDataSource{}
}

type retentionPoliciesDataSource struct {
	data *providerData
}

func (d *retentionPoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_retention_policies"
}

func (d *retentionPoliciesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	namespaceFilter := pathSegmentAttribute("Only list the policies of this namespace. The API filters by namespace id only, " +
		"so the provider reads the policies of every namespace of the instance and keeps this one's.")
	namespaceFilter.Required, namespaceFilter.Optional = false, true
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the image-retention policies of an SWR Enterprise instance, with their rules and trigger. " +
			"Reads every page of the listing and returns the policies in the API's order. " +
			"A policy's `id` and `namespace_name` are the `policy_id` and `namespace_name` of `swr_retention_executions`.",
		Attributes: map[string]schema.Attribute{
			"id":             idAttribute([]string{"instance_id"}, url.Values{"name": {"nightly"}, "namespace_id": {"1"}, "namespace_name": {"platform"}}),
			"instance_id":    pathSegmentAttribute("ID of the SWR Enterprise instance."),
			"namespace_name": namespaceFilter,
			"namespace_id": schema.Int64Attribute{
				MarkdownDescription: "Only list the policies of the namespace with this ID (a policy's `namespace_id`), from 1 to 2147483647. " +
					"The API filters by it, so the provider reads only that namespace's policies. May be combined with `namespace_name`: a policy must then match both.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 1<<31-1)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only list the policies with exactly this name (case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"policies": schema.ListNestedAttribute{
				MarkdownDescription: "The policies matching the arguments, in the API's order. An empty list when none does.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":             schema.Int64Attribute{Computed: true, MarkdownDescription: "Policy ID."},
						"name":           schema.StringAttribute{Computed: true, MarkdownDescription: "Policy name."},
						"enabled":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the policy runs on its trigger."},
						"namespace_id":   schema.Int64Attribute{Computed: true, MarkdownDescription: "ID of the namespace the policy belongs to."},
						"namespace_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the namespace the policy belongs to."},
						"algorithm":      schema.StringAttribute{Computed: true, MarkdownDescription: "How the rules combine, e.g. `or`: an artifact any rule retains is kept."},
						"rules": schema.ListNestedAttribute{
							Computed:            true,
							MarkdownDescription: "The rules, each selecting artifacts to retain.",
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"id":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Rule ID; null when the API gives none."},
									"priority": schema.Int64Attribute{Computed: true, MarkdownDescription: "Priority of the rule."},
									"disabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the rule is switched off."},
									"action":   schema.StringAttribute{Computed: true, MarkdownDescription: "Action on the selected artifacts: `retain`."},
									"template": schema.StringAttribute{Computed: true, MarkdownDescription: "Rule template: `latestPushedK`, `latestPulledN`, `nDaysSinceLastPush` or `nDaysSinceLastPull`."},
									"params": schema.MapAttribute{Computed: true, ElementType: types.StringType,
										MarkdownDescription: "Parameters of the template, e.g. `{ latestPushedK = \"10\" }`: each value as text (a number as its digits; use `tonumber()`)."},
									"tag_selectors":        selectorListAttribute("Selectors of the tags (versions) the rule applies to."),
									"repository_selectors": selectorListAttribute("Selectors of the repositories the rule applies to."),
									"repo_scope_mode": schema.StringAttribute{Computed: true,
										MarkdownDescription: "How the repositories were chosen: `regular` (by the patterns of `repository_selectors`) or `selection` (picked by name); null when the API gives none."},
								},
							},
						},
						"trigger": schema.SingleNestedAttribute{
							Computed:            true,
							MarkdownDescription: "When the policy runs.",
							Attributes: map[string]schema.Attribute{
								"type": schema.StringAttribute{Computed: true, MarkdownDescription: "`manual` or `scheduled`."},
								"cron": schema.StringAttribute{Computed: true, MarkdownDescription: "Cron expression of a scheduled policy (UTC, with seconds); null when the API gives none."},
							},
						},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// selectorListAttribute is a list of tag or repository selectors.
func selectorListAttribute(description string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: description,
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"kind":       schema.StringAttribute{Computed: true, MarkdownDescription: "Kind of pattern, e.g. `doublestar`."},
				"decoration": schema.StringAttribute{Computed: true, MarkdownDescription: "How the pattern applies: `matches` or `excludes` for tags, `repoMatches` or `repoExcludes` for repositories."},
				"pattern":    schema.StringAttribute{Computed: true, MarkdownDescription: "The pattern, e.g. `release-*` or `**`."},
				"extras":     schema.StringAttribute{Computed: true, MarkdownDescription: "Extra settings of the selector, as the API gives them; often empty."},
			},
		},
	}
}

func (d *retentionPoliciesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionPoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionPoliciesModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()

	in := client.ListPoliciesInput{
		InstanceID:    model.InstanceID.ValueString(),
		Name:          model.Name.ValueString(),
		NamespaceName: model.NamespaceName.ValueString(),
		NamespaceID:   model.NamespaceID.ValueInt64(),
	}
	policies, err := read.client.ListRetentionPolicies(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, "retention policies", fmt.Sprintf("instance_id %q", in.InstanceID)))
		return
	}

	list, diags := objectList(policyAttrTypes, policies, policyAttrs)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	filters := url.Values{}
	if in.Name != "" {
		filters.Set("name", in.Name)
	}
	if in.NamespaceName != "" {
		filters.Set("namespace_name", in.NamespaceName)
	}
	if in.NamespaceID != 0 {
		filters.Set("namespace_id", strconv.FormatInt(in.NamespaceID, 10))
	}
	model.ID = types.StringValue(dataSourceID([]string{in.InstanceID}, filters))
	model.Policies = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// Object types of a policy and of its parts.
var (
	selectorAttrTypes = map[string]attr.Type{
		"kind":       types.StringType,
		"decoration": types.StringType,
		"pattern":    types.StringType,
		"extras":     types.StringType,
	}
	ruleAttrTypes = map[string]attr.Type{
		"id":                   types.Int64Type,
		"priority":             types.Int64Type,
		"disabled":             types.BoolType,
		"action":               types.StringType,
		"template":             types.StringType,
		"params":               types.MapType{ElemType: types.StringType},
		"tag_selectors":        listTypeOf(selectorAttrTypes),
		"repository_selectors": listTypeOf(selectorAttrTypes),
		"repo_scope_mode":      types.StringType,
	}
	triggerAttrTypes = map[string]attr.Type{
		"type": types.StringType,
		"cron": types.StringType,
	}
	policyAttrTypes = map[string]attr.Type{
		"id":             types.Int64Type,
		"name":           types.StringType,
		"enabled":        types.BoolType,
		"namespace_id":   types.Int64Type,
		"namespace_name": types.StringType,
		"algorithm":      types.StringType,
		"rules":          listTypeOf(ruleAttrTypes),
		"trigger":        types.ObjectType{AttrTypes: triggerAttrTypes},
	}
)

func policyAttrs(p client.Policy) (map[string]attr.Value, diag.Diagnostics) {
	rules, diags := objectList(ruleAttrTypes, p.Rules, ruleAttrs)
	cron := types.StringNull()
	if c := p.Trigger.TriggerSettings.Cron; c != "" {
		cron = types.StringValue(c)
	}
	trigger, d := types.ObjectValue(triggerAttrTypes, map[string]attr.Value{"type": types.StringValue(p.Trigger.Type), "cron": cron})
	diags.Append(d...)
	return map[string]attr.Value{
		"id":             types.Int64Value(p.ID),
		"name":           types.StringValue(p.Name),
		"enabled":        types.BoolValue(p.Enabled),
		"namespace_id":   types.Int64Value(p.NamespaceID),
		"namespace_name": types.StringValue(p.NamespaceName),
		"algorithm":      types.StringValue(p.Algorithm),
		"rules":          rules,
		"trigger":        trigger,
	}, diags
}

func ruleAttrs(r client.PolicyRule) (map[string]attr.Value, diag.Diagnostics) {
	params := make(map[string]attr.Value, len(r.Params))
	for k, v := range r.ParamStrings() {
		params[k] = types.StringValue(v)
	}
	paramMap, diags := types.MapValue(types.StringType, params)
	tags, d := objectList(selectorAttrTypes, r.TagSelectors, selectorAttrs)
	diags.Append(d...)
	repos, d := objectList(selectorAttrTypes, r.RepositorySelectors(), selectorAttrs)
	diags.Append(d...)
	id := types.Int64Null()
	if r.ID != 0 {
		id = types.Int64Value(r.ID)
	}
	scopeMode := types.StringNull()
	if r.RepoScopeMode != "" {
		scopeMode = types.StringValue(r.RepoScopeMode)
	}
	return map[string]attr.Value{
		"id":                   id,
		"priority":             types.Int64Value(r.Priority),
		"disabled":             types.BoolValue(r.Disabled),
		"action":               types.StringValue(r.Action),
		"template":             types.StringValue(r.Template),
		"params":               paramMap,
		"tag_selectors":        tags,
		"repository_selectors": repos,
		"repo_scope_mode":      scopeMode,
	}, diags
}

func selectorAttrs(s client.Selector) (map[string]attr.Value, diag.Diagnostics) {
	return map[string]attr.Value{
		"kind":       types.StringValue(s.Kind),
		"decoration": types.StringValue(s.Decoration),
		"pattern":    types.StringValue(s.Pattern),
		"extras":     types.StringValue(s.Extras),
	}, nil
}

type retentionPoliciesModel struct {
	ID            types.String   `tfsdk:"id"`
	InstanceID    types.String   `tfsdk:"instance_id"`
	NamespaceName types.String   `tfsdk:"namespace_name"`
	NamespaceID   types.Int64    `tfsdk:"namespace_id"`
	Name          types.String   `tfsdk:"name"`
	Policies      types.List     `tfsdk:"policies"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}
