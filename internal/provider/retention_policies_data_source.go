package provider

import (
	"context"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
			"id":             policiesID.attribute(url.Values{"name": {"nightly"}, "namespace_id": {"1"}, "namespace_name": {"platform"}}),
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
			"policies": policyItems.listAttribute("The policies matching the arguments, in the API's order. An empty list when none does."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// policiesID is the shape of the id.
var policiesID = idScheme{"<instance_id>"}

// The rows of a policy and of its parts.
var (
	selectorItems = newItemType("Selector", func(client.Selector) string { return "" },
		stringField("kind", "Kind of pattern, e.g. `doublestar`.", func(s client.Selector) string { return s.Kind }),
		stringField("decoration", "How the pattern applies: `matches` or `excludes` for tags, `repoMatches` or `repoExcludes` for repositories.",
			func(s client.Selector) string { return s.Decoration }),
		stringField("pattern", "The pattern, e.g. `release-*` or `**`.", func(s client.Selector) string { return s.Pattern }),
		stringField("extras", "Extra settings of the selector, as the API gives them; often empty.", func(s client.Selector) string { return s.Extras }),
	)
	ruleItems = newItemType("Rule", idRef(func(r client.PolicyRule) int64 { return r.ID }),
		optionalInt64Field("id", "Rule ID; null when the API gives none.", func(r client.PolicyRule) int64 { return r.ID }),
		int64Field("priority", "Priority of the rule.", func(r client.PolicyRule) int64 { return r.Priority }),
		boolField("disabled", "Whether the rule is switched off.", func(r client.PolicyRule) bool { return r.Disabled }),
		stringField("action", "Action on the selected artifacts: `retain`.", func(r client.PolicyRule) string { return r.Action }),
		stringField("template", "Rule template: `latestPushedK`, `latestPulledN`, `nDaysSinceLastPush` or `nDaysSinceLastPull`.",
			func(r client.PolicyRule) string { return r.Template }),
		stringMapField("params", "Parameters of the template, e.g. `{ latestPushedK = \"10\" }`: each value as text (a number as its digits; use `tonumber()`).",
			client.PolicyRule.ParamStrings),
		listField("tag_selectors", "Selectors of the tags (versions) the rule applies to.", selectorItems,
			func(r client.PolicyRule) []client.Selector { return r.TagSelectors }),
		listField("repository_selectors", "Selectors of the repositories the rule applies to.", selectorItems, client.PolicyRule.RepositorySelectors),
		optionalStringField("repo_scope_mode",
			"How the repositories were chosen: `regular` (by the patterns of `repository_selectors`) or `selection` (picked by name); null when the API gives none.",
			func(r client.PolicyRule) string { return r.RepoScopeMode }),
	)
	triggerItems = newItemType("Trigger", func(client.PolicyTrigger) string { return "" },
		stringField("type", "`manual` or `scheduled`.", func(t client.PolicyTrigger) string { return t.Type }),
		optionalStringField("cron", "Cron expression of a scheduled policy (UTC, with seconds); null when the API gives none.",
			func(t client.PolicyTrigger) string { return t.TriggerSettings.Cron }),
	)
	policyItems = newItemType("Policy", idRef(func(p client.Policy) int64 { return p.ID }),
		int64Field("id", "Policy ID.", func(p client.Policy) int64 { return p.ID }),
		stringField("name", "Policy name.", func(p client.Policy) string { return p.Name }),
		boolField("enabled", "Whether the policy runs on its trigger.", func(p client.Policy) bool { return p.Enabled }),
		int64Field("namespace_id", "ID of the namespace the policy belongs to.", func(p client.Policy) int64 { return p.NamespaceID }),
		stringField("namespace_name", "Name of the namespace the policy belongs to.", func(p client.Policy) string { return p.NamespaceName }),
		stringField("algorithm", "How the rules combine, e.g. `or`: an artifact any rule retains is kept.", func(p client.Policy) string { return p.Algorithm }),
		listField("rules", "The rules, each selecting artifacts to retain.", ruleItems, func(p client.Policy) []client.PolicyRule { return p.Rules }),
		objectField("trigger", "When the policy runs.", triggerItems, func(p client.Policy) client.PolicyTrigger { return p.Trigger }),
	)
)

func (d *retentionPoliciesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

func (d *retentionPoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionPoliciesModel
	readList(ctx, d.data, req, resp, &model, &model.Timeouts, listRead[client.Policy]{
		subject: "retention policies", id: policiesID, attribute: "policies", items: policyItems,
		list: func(ctx context.Context, c *client.Client) ([]client.Policy, client.Filters, error) {
			in := client.ListPoliciesInput{
				InstanceID:    model.InstanceID.ValueString(),
				Name:          model.Name.ValueString(),
				NamespaceName: model.NamespaceName.ValueString(),
				NamespaceID:   model.NamespaceID.ValueInt64(),
			}
			policies, err := c.ListRetentionPolicies(ctx, in)
			return policies, in.Filters(), err
		},
	})
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
