package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/audit"
)

var (
	_ datasource.DataSource              = &retentionAuditDataSource{}
	_ datasource.DataSourceWithConfigure = &retentionAuditDataSource{}
)

// NewRetentionAuditDataSource is the constructor of swr_retention_audit.
func NewRetentionAuditDataSource() datasource.DataSource {
	return &retentionAuditDataSource{}
}

type retentionAuditDataSource struct {
	data *providerData
}

func (d *retentionAuditDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_retention_audit"
}

// The threshold arguments: their name, default and why.
var (
	staleAfterArgument = durationArgument{name: "stale_after", def: audit.DefaultStaleAfter,
		why: "how long ago the newest finished real run of an enabled scheduled policy may have ended before the policy is `stale_policy`. " +
			"Retention schedules are daily or weekly: a weekly run plus a day of slack is never stale, while a daily one that silently stopped is reported within about a week"}
	stuckAfterArgument = durationArgument{name: "stuck_after", def: audit.DefaultStuckAfter,
		why: "how long a run may be `InProgress` before it is `stuck_run`. A retention run takes minutes to hours even on large registries; " +
			"one still running after a day has missed its next daily schedule, and Harbor leaves a run without rules `InProgress` for ever"}
)

func (d *retentionAuditDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Audits the account's image retention in one read: every running SWR Enterprise instance (or those of `instance_ids`), " +
			"their namespaces, retention policies and runs, and **findings**, one flat list a postcondition or an `output -json` consumer " +
			"filters by `kind`. Each finding names the instance, namespace, policy, execution and repositories it concerns and says in one line what is wrong. " +
			"Beside the findings: one row per policy (its audited run, the versions that run removed, its failed tasks), " +
			"the namespaces without an enabled policy, and a count per kind. " +
			"An instance, namespace, policy or run the credentials cannot read fails the read with an error that names it: nothing is skipped. " +
			"Every list is sorted (by instance, namespace, policy id, then kind), so a second plan shows no change.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier built from the arguments: `retention-audit`, then, when any is set, " +
				"`?` and the arguments as a URL query sorted by name, e.g. `retention-audit?stale_after=48h&versions_removed=false`."},
			"instance_ids": schema.ListAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Only audit these instances (each must be one of the account's). Default: every instance of the project; " +
					"one that is not `Running` is reported as `instance_not_audited`, with its status.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255))}},
			"stale_after": staleAfterArgument.attribute(),
			"stuck_after": stuckAfterArgument.attribute(),
			"min_versions_kept": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "Require every active rule that keeps a number of versions (`latestPushedK`, `latestPulledN`) to keep at least this many; " +
					"one that keeps fewer is `rules_below_requirement`. Default: no requirement."},
			"min_days_kept": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "Require every active rule that keeps versions for a number of days (`nDaysSinceLastPush`, `nDaysSinceLastPull`) " +
					"to keep them at least this many days; one that keeps them fewer is `rules_below_requirement`. Default: no requirement."},
			"required_kept_tags": schema.ListAttribute{ElementType: types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255))},
				MarkdownDescription: "Tag patterns every enabled policy must keep, e.g. `[\"release-*\"]`: an active rule must select them with a `matches` tag selector " +
					"of exactly this pattern or `**`. A policy where none does is `rules_below_requirement` (an `excludes release-*` selector does not keep them: " +
					"Harbor deletes what no rule retains). Default: none."},
			"versions_removed": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Read every task of each audited run, to count the versions it removed (`policies[*].versions_removed`) and see tasks whose status " +
					"is outside the documented ones. Default: `true`. It costs one request per 100 repositories a run touched, where `false` reads the run's " +
					"`Failed` tasks through the API's status filter (one request for fewer than 100): the same for runs of up to 100 repositories. " +
					"With `false`, `versions_removed` and `tasks_per_status` are null and a task with an undocumented status is not seen."},
			"findings":                          findingItems.listAttribute("Every finding, sorted by instance, namespace, policy id, then kind (in the order of `summary`'s kinds). An empty list when all is well."),
			"policies":                          auditPolicyItems.listAttribute("One row per retention policy of the audited instances, sorted by instance, namespace and policy id. Only enabled policies are judged and have an audited run."),
			"instances":                         auditInstanceItems.listAttribute("Every instance the audit looked at, sorted by id: audited when `Running`."),
			"namespaces_without_enabled_policy": namespaceRefItems.listAttribute("The namespaces of the audited instances that no enabled retention policy cleans up, sorted by instance and name."),
			"summary": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "The number of findings of each kind, every kind included (0 when none): " + quotedList(kindNames()) + "."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func kindNames() []string {
	out := make([]string, len(audit.Kinds))
	for i, k := range audit.Kinds {
		out[i] = string(k)
	}
	return out
}

// The rows of the audit's lists.
var (
	findingItems = newItemType("Finding", func(f audit.Finding) string { return string(f.Kind) + " " + quoteUntrusted(f.Message) },
		stringField("kind", "What is wrong: "+quotedList(kindNames())+"; see the page's table.", func(f audit.Finding) string { return string(f.Kind) }),
		stringField("instance_id", "Instance the finding concerns.", func(f audit.Finding) string { return f.InstanceID }),
		optionalStringField("namespace", "Namespace the finding concerns; null for `instance_not_audited`.", func(f audit.Finding) string { return f.Namespace }),
		optionalInt64Field("policy_id", "Retention policy the finding concerns; null for a namespace or an instance.", func(f audit.Finding) int64 { return f.PolicyID }),
		optionalStringField("policy_name", "Name of that policy; null when there is none.", func(f audit.Finding) string { return f.PolicyName }),
		optionalInt64Field("execution_id", "Execution the finding concerns (the failed, stale or stuck run); null when none.",
			func(f audit.Finding) int64 { return f.ExecutionID }),
		optionalStringField("execution_status", "Status of that execution; null when none.", func(f audit.Finding) string { return f.ExecutionStatus }),
		stringListField("repositories", "For `failed_run`: the repositories whose task failed, sorted; otherwise empty.",
			func(f audit.Finding) []string { return f.Repositories }),
		stringField("message", "One line that says what is wrong, naming the instance, namespace, policy and run.", func(f audit.Finding) string { return f.Message }),
	)
	auditPolicyItems = newItemType("Policy", idRef(func(p audit.Policy) int64 { return p.ID }),
		stringField("instance_id", "Instance of the policy.", func(p audit.Policy) string { return p.InstanceID }),
		stringField("namespace", "Namespace of the policy.", func(p audit.Policy) string { return p.Namespace }),
		int64Field("id", "Policy ID.", func(p audit.Policy) int64 { return p.ID }),
		stringField("name", "Policy name.", func(p audit.Policy) string { return p.Name }),
		boolField("enabled", "Whether the policy runs on its trigger; a disabled one is not judged.", func(p audit.Policy) bool { return p.Enabled }),
		optionalStringField("trigger", "`manual` or `scheduled`; null when the API gives none.", func(p audit.Policy) string { return p.Trigger }),
		optionalInt64Field("execution_id", "The audited run: the newest finished real (not dry) run of an enabled policy; null when there is none.",
			func(p audit.Policy) int64 { return p.ExecutionID }),
		optionalStringField("execution_status", "Status of the audited run; null when there is none.", func(p audit.Policy) string { return p.ExecutionStatus }),
		timeField("execution_end_time", "When the audited run ended; null without a run", func(p audit.Policy) string { return p.ExecutionEnd }),
		int64Field("failed_tasks", "Tasks of the audited run that failed (`Failed`, or finished with a status outside the documented ones, such as Harbor's `Error`); 0 without a run.",
			func(p audit.Policy) int64 { return p.FailedTasks }),
		stringListField("failed_repositories", "The repositories of those tasks, sorted.", func(p audit.Policy) []string { return p.FailedRepositories }),
		knownCountField("versions_removed", "Versions the audited run removed: `total - retained` over its tasks, which counts only the deletions that succeeded (Harbor counts a failed deletion as retained). "+
			"Null without a run, or with `versions_removed = false`.", func(p audit.Policy) (int64, bool) { return p.VersionsRemoved, p.TasksRead }),
		knownCountMapField("tasks_per_status", "The audited run's tasks per status. Null without a run, or with `versions_removed = false`.",
			func(p audit.Policy) (map[string]int64, bool) { return p.TasksPerStatus, p.TasksRead }),
	)
	auditInstanceItems = newItemType("Instance", stringIDRef(func(i audit.Instance) string { return i.ID }),
		stringField("id", "Instance ID.", func(i audit.Instance) string { return i.ID }),
		stringField("name", "Instance name.", func(i audit.Instance) string { return i.Name }),
		stringField("status", "Instance status; only `Running` instances are audited.", func(i audit.Instance) string { return i.Status }),
		boolField("audited", "Whether the instance was audited (it is `Running`).", func(i audit.Instance) bool { return i.Audited }),
		int64Field("namespaces", "Namespaces of the instance; 0 when it was not audited.", func(i audit.Instance) int64 { return int64(i.Namespaces) }),
		int64Field("policies", "Retention policies of the instance, enabled or not; 0 when it was not audited.", func(i audit.Instance) int64 { return int64(i.Policies) }),
	)
	namespaceRefItems = newItemType("Namespace", func(n audit.NamespaceRef) string { return quoteUntrusted(n.Namespace) },
		stringField("instance_id", "Instance of the namespace.", func(n audit.NamespaceRef) string { return n.InstanceID }),
		stringField("namespace", "Namespace name.", func(n audit.NamespaceRef) string { return n.Namespace }),
	)
)

func (d *retentionAuditDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureDataSource(req, resp)
}

type retentionAuditModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceIDs      []string       `tfsdk:"instance_ids"`
	StaleAfter       types.String   `tfsdk:"stale_after"`
	StuckAfter       types.String   `tfsdk:"stuck_after"`
	MinVersionsKept  types.Int64    `tfsdk:"min_versions_kept"`
	MinDaysKept      types.Int64    `tfsdk:"min_days_kept"`
	RequiredKeptTags []string       `tfsdk:"required_kept_tags"`
	VersionsRemoved  types.Bool     `tfsdk:"versions_removed"`
	Findings         types.List     `tfsdk:"findings"`
	Policies         types.List     `tfsdk:"policies"`
	Instances        types.List     `tfsdk:"instances"`
	Namespaces       types.List     `tfsdk:"namespaces_without_enabled_policy"`
	Summary          types.Map      `tfsdk:"summary"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// options are the audit's options from the configuration (validated already).
func (m retentionAuditModel) options() audit.Options {
	return audit.Options{
		InstanceIDs:     m.InstanceIDs,
		StaleAfter:      staleAfterArgument.value(m.StaleAfter),
		StuckAfter:      stuckAfterArgument.value(m.StuckAfter),
		VersionsRemoved: m.VersionsRemoved.IsNull() || m.VersionsRemoved.ValueBool(),
		Requirements: audit.Requirements{MinVersionsKept: m.MinVersionsKept.ValueInt64(), MinDaysKept: m.MinDaysKept.ValueInt64(),
			RequiredKeptTags: m.RequiredKeptTags},
	}
}

// id is the read's id: the set arguments as a query, sorted by name.
func (m retentionAuditModel) id() string {
	q := url.Values{}
	if len(m.InstanceIDs) > 0 {
		q["instance_ids"] = m.InstanceIDs
	}
	if len(m.RequiredKeptTags) > 0 {
		q["required_kept_tags"] = m.RequiredKeptTags
	}
	for name, v := range map[string]string{"stale_after": m.StaleAfter.ValueString(), "stuck_after": m.StuckAfter.ValueString()} {
		if v != "" {
			q.Set(name, v)
		}
	}
	for name, v := range map[string]types.Int64{"min_versions_kept": m.MinVersionsKept, "min_days_kept": m.MinDaysKept} {
		if !v.IsNull() {
			q.Set(name, strconv.FormatInt(v.ValueInt64(), 10))
		}
	}
	if !m.VersionsRemoved.IsNull() {
		q.Set("versions_removed", strconv.FormatBool(m.VersionsRemoved.ValueBool()))
	}
	return joinID([]string{"retention-audit"}, q)
}

func (d *retentionAuditDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model retentionAuditModel
	ctx, read := beginRead(ctx, d.data, req.Config, &model, &model.Timeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()
	report, err := audit.Run(ctx, read.client, model.options())
	var unknown *audit.UnknownInstanceError
	var readErr *audit.ReadError
	switch {
	case errors.As(err, &unknown):
		resp.Diagnostics.AddAttributeError(path.Root("instance_ids"), "No such instance",
			fmt.Sprintf("instance_ids names %s, which is not one of the account's instances (%s). Remove it, or check the region and project_id.",
				quoteUntrusted(unknown.ID), strings.Join(unknown.Known, ", ")))
		return
	case errors.As(err, &readErr):
		resp.Diagnostics.Append(read.failed(ctx, err, readErr.What, "the region, project_id and endpoint, and that the credentials may read it"))
		return
	case err != nil:
		resp.Diagnostics.Append(read.failed(ctx, err, "the retention audit", "the region, project_id and endpoint"))
		return
	}
	var notes readNotes
	summary := map[string]int64{}
	for k, n := range report.Summary {
		summary[string(k)] = int64(n)
	}
	set := map[string]tftypes.Value{
		"id":                                tftypes.NewValue(tftypes.String, model.id()),
		"findings":                          tftypes.NewValue(findingItems.tfListType, findingItems.values(report.Findings, &notes)),
		"policies":                          tftypes.NewValue(auditPolicyItems.tfListType, auditPolicyItems.values(report.Policies, &notes)),
		"instances":                         tftypes.NewValue(auditInstanceItems.tfListType, auditInstanceItems.values(report.Instances, &notes)),
		"namespaces_without_enabled_policy": tftypes.NewValue(namespaceRefItems.tfListType, namespaceRefItems.values(report.NamespacesWithoutEnabledPolicy, &notes)),
		"summary":                           int64MapValue(summary),
	}
	resp.Diagnostics.Append(notes.warnings()...)
	resp.Diagnostics.Append(setRawAttributes(&resp.State, req.Config.Raw, set)...)
}

// durationArgument is a positive duration argument with a default, and why that
// default: one row for the schema, the validation and the value.
type durationArgument struct {
	name string
	def  time.Duration
	why  string
}

func (a durationArgument) attribute() schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Validators: []validator.String{a},
		MarkdownDescription: fmt.Sprintf("A duration such as `%s` or `36h`: %s. Default: `%s`.", shortDuration(a.def), a.why, shortDuration(a.def))}
}

// value is the configured duration, 0 (the audit's default) when unset.
func (a durationArgument) value(v types.String) time.Duration {
	d, _ := time.ParseDuration(v.ValueString())
	return d
}

func (a durationArgument) Description(context.Context) string {
	return "must be a positive duration such as \"" + shortDuration(a.def) + "\""
}
func (a durationArgument) MarkdownDescription(ctx context.Context) string { return a.Description(ctx) }

func (a durationArgument) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	text := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(text); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+a.name,
			fmt.Sprintf("%s = %q is not a positive duration such as \"%s\" or \"36h\" (units: h, m, s; there is no d). The default is %q.",
				a.name, text, shortDuration(a.def), shortDuration(a.def)))
	}
}
