package provider

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// What every data source of the provider shares: Configure, the set-up of a Read,
// the diagnostics of a failed read, the Read of a list, its id, and the arguments
// every data source takes.

// defaultReadTimeout bounds a read when the configuration sets no timeouts.read.
const defaultReadTimeout = 5 * time.Minute

// configureDataSource is the Configure of every data source: the provider's data,
// or nil while the provider is not configured yet.
func configureDataSource(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *providerData {
	if req.ProviderData == nil {
		return nil
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return nil
	}
	return data
}

// apiRead is one Read of a data source: the client to call, and the read timeout
// for the diagnostics.
type apiRead struct {
	client  *client.Client
	timeout time.Duration
	cancel  context.CancelFunc
	secrets []string // the configured credentials, masked in the diagnostics
}

// beginRead starts a Read: it reads the configuration into model (readTimeouts
// points at the model's timeouts field), checks that the provider is configured,
// and returns the context of the API calls, bounded by timeouts.read (default
// defaultReadTimeout) and logging to the API subsystem with every secret masked.
// It returns a nil *apiRead when diags hold an error; otherwise defer end().
func beginRead(ctx context.Context, data *providerData, config tfsdk.Config, model any, readTimeouts *timeouts.Value, diags *diag.Diagnostics) (context.Context, *apiRead) {
	diags.Append(config.Get(ctx, model)...)
	if diags.HasError() {
		return ctx, nil
	}
	if data == nil {
		diags.AddError("Provider not configured", "The swr provider was not configured before the data source was read. This is a bug in the provider; please report it.")
		return ctx, nil
	}
	readTimeout, d := readTimeouts.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, nil
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	return withAPILogging(ctx, data.secrets), &apiRead{client: data.client, timeout: readTimeout, cancel: cancel, secrets: data.secrets}
}

// end releases the read's context.
func (r *apiRead) end() { r.cancel() }

// failed is the diagnostic of a failed API call: subject says what was read and
// notFoundHint which arguments to check on a 404. A secret in it is masked as in
// the log: the server's message and request id, which it quotes, are untrusted
// and may echo what the request carried.
func (r *apiRead) failed(ctx context.Context, err error, subject, notFoundHint string) diag.Diagnostic {
	d := readErrorDiagnostic(ctx, err, r.client.AuthMethod(), subject, notFoundHint,
		fmt.Sprintf("Raise the read timeout (now %s) with a timeouts block, e.g. timeouts { read = \"10m\" }, or check that the endpoint answers.", r.timeout))
	return diag.NewErrorDiagnostic(maskSecrets(d.Summary(), r.secrets), maskSecrets(d.Detail(), r.secrets))
}

// listRead is what a list data source's Read declares of its own; readList does
// the rest, the same for every one: begin the read, call the client, map the
// error, convert the items through their rows, collect the warnings, build the
// id, write state.
type listRead[T any] struct {
	subject   string   // what is read, for the diagnostics, e.g. "retention execution tasks"
	id        idScheme // the shape of the id, and the arguments to check on a 404
	attribute string   // the list attribute, e.g. "tasks"
	items     *itemType[T]
	// list calls the client with the configured arguments (read into the model),
	// and returns what it listed and the filters of the listing.
	list func(context.Context, *client.Client) ([]T, client.Filters, error)
	// more, when set, are the data source's other computed attributes, from the
	// items and their values.
	more func(items []T, values []tftypes.Value, notes *readNotes) map[string]tftypes.Value
}

// readList is the Read of a list data source: model is its model, readTimeouts
// the model's timeouts field.
func readList[T any](ctx context.Context, data *providerData, req datasource.ReadRequest, resp *datasource.ReadResponse,
	model any, readTimeouts *timeouts.Value, r listRead[T]) {
	ctx, read := beginRead(ctx, data, req.Config, model, readTimeouts, &resp.Diagnostics)
	if read == nil {
		return
	}
	defer read.end()
	var args map[string]tftypes.Value
	if err := req.Config.Raw.As(&args); err != nil {
		resp.Diagnostics.AddError("Internal error reading the configuration", fmt.Sprintf("%v. This is a bug in the provider; please report it.", err))
		return
	}

	items, filters, err := r.list(ctx, read.client)
	if err != nil {
		resp.Diagnostics.Append(read.failed(ctx, err, r.subject, r.id.notFoundHint(args)))
		return
	}
	var notes readNotes
	values := r.items.values(items, &notes)
	set := map[string]tftypes.Value{
		"id":        tftypes.NewValue(tftypes.String, r.id.value(args, filters.Set())),
		r.attribute: tftypes.NewValue(r.items.tfListType, values),
	}
	if r.more != nil {
		for name, v := range r.more(items, values, &notes) {
			set[name] = v
		}
	}
	resp.Diagnostics.Append(notes.warnings()...)
	setAttributes(&resp.State, req.Config.Raw.Type(), args, set)
}

// setRawAttributes sets state to the object from with the attributes in set
// replaced, through setAttributes.
func setRawAttributes(state *tfsdk.State, from tftypes.Value, set map[string]tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	var fromAttrs map[string]tftypes.Value
	if err := from.As(&fromAttrs); err != nil {
		diags.AddError("Internal error writing state", fmt.Sprintf("Reading the state object failed: %v. This is a bug in the provider; please report it.", err))
		return diags
	}
	setAttributes(state, from.Type(), fromAttrs, set)
	return diags
}

// setAttributes sets state to the object of type typ with the attributes
// fromAttrs (an object read with As), those in set replaced: the one way results
// go into state. Building the Terraform value directly costs half the time and
// allocations of State.Set at 10,000 tasks, and gives the same state byte for
// byte (TestItemValues_StateEqualsStateSet).
func setAttributes(state *tfsdk.State, typ tftypes.Type, fromAttrs, set map[string]tftypes.Value) {
	// As hands out the object's own map: writing to it would change the object
	// (the configuration), and the framework's semantic-equality pass would then
	// walk every item, comparing them with themselves.
	attrs := make(map[string]tftypes.Value, len(fromAttrs))
	for name, v := range fromAttrs {
		attrs[name] = v
	}
	for name, v := range set {
		attrs[name] = v
	}
	state.Raw = tftypes.NewValue(typ, attrs)
}

// int64Value and int64MapValue are the Terraform values of an Int64Attribute and
// of a MapAttribute of types.Int64Type.
func int64Value(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }

func int64MapValue(m map[string]int64) tftypes.Value {
	elems := make(map[string]tftypes.Value, len(m))
	for k, n := range m {
		elems[k] = int64Value(n)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, elems)
}

// executionRef names the execution the arguments of a data source point at.
func executionRef(instanceID, namespaceName types.String, policyID, executionID types.Int64) client.ExecutionRef {
	return client.ExecutionRef{
		InstanceID:    instanceID.ValueString(),
		NamespaceName: namespaceName.ValueString(),
		PolicyID:      policyID.ValueInt64(),
		ExecutionID:   executionID.ValueInt64(),
	}
}

// idScheme is the shape of the deterministic id of a read, the one scheme of
// every data source: the path of what was read, each segment an argument
// ("<instance_id>") or a literal ("namespaces"), joined by '/', then, when any
// filter is set, '?' and the filters as a URL query sorted by name. A query says
// which part is a filter, and several filters need names anyway.
type idScheme []string

// arguments are the names of the arguments of the path.
func (s idScheme) arguments() []string {
	var out []string
	for _, seg := range s {
		if name, ok := strings.CutPrefix(seg, "<"); ok {
			out = append(out, strings.TrimSuffix(name, ">"))
		}
	}
	return out
}

// value is the id of a read of the arguments args with the filters set.
func (s idScheme) value(args map[string]tftypes.Value, filters url.Values) string {
	path := make([]string, len(s))
	for i, seg := range s {
		path[i] = seg
		if name, ok := strings.CutPrefix(seg, "<"); ok {
			path[i] = argumentText(args[strings.TrimSuffix(name, ">")], false)
		}
	}
	return joinID(path, filters)
}

func joinID(path []string, filters url.Values) string {
	id := strings.Join(path, "/")
	if len(filters) > 0 {
		id += "?" + filters.Encode()
	}
	return id
}

// attribute is the computed id attribute; example holds filters as a user might
// set them, to show the query.
func (s idScheme) attribute(example url.Values) schema.StringAttribute {
	path := strings.Join(s, "/")
	return schema.StringAttribute{
		MarkdownDescription: "Identifier built from the arguments: `" + path + "`, then, when filters are set, " +
			"`?` and the filters as a URL query sorted by name, e.g. `" + joinID(s, example) + "`.",
		Computed: true,
	}
}

// notFoundHint says which arguments to check when the API answers 404: those of
// the path, or, for a listing of the project, where the project is.
func (s idScheme) notFoundHint(args map[string]tftypes.Value) string {
	var parts []string
	for _, name := range s.arguments() {
		parts = append(parts, name+" "+argumentText(args[name], true))
	}
	if len(parts) == 0 {
		return "the region, project_id and endpoint"
	}
	return joinAnd(parts)
}

// argumentText is a string or number argument as text, a string quoted when quote.
func argumentText(v tftypes.Value, quote bool) string {
	var s string
	if v.Type().Is(tftypes.Number) {
		var n big.Float
		if v.As(&n) == nil {
			return n.Text('f', -1)
		}
	}
	_ = v.As(&s)
	if quote {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// statusFilterAttribute is the optional status argument of a listing of what.
func statusFilterAttribute(what string, statuses []string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only list " + what + " in this status, one of " + quotedList(statuses) + " (case-sensitive).",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.OneOf(statuses...)},
	}
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

// quotedList writes values as a list of code spans: `a`, `b`.
func quotedList(values []string) string { return strings.Join(codeList(values), ", ") }
