package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
// the diagnostics of a failed read, and building list values from API items.

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
	return withAPILogging(ctx, data.secrets), &apiRead{client: data.client, timeout: readTimeout, cancel: cancel}
}

// end releases the read's context.
func (r *apiRead) end() { r.cancel() }

// failed is the diagnostic of a failed API call: subject says what was read and
// notFoundHint which arguments to check on a 404.
func (r *apiRead) failed(ctx context.Context, err error, subject, notFoundHint string) diag.Diagnostic {
	return readErrorDiagnostic(ctx, err, r.client.AuthMethod(), subject, notFoundHint,
		fmt.Sprintf("Raise the read timeout (now %s) with a timeouts block, e.g. timeouts { read = \"10m\" }, or check that the endpoint answers.", r.timeout))
}

// objectList builds a list of objects of attrTypes, one per item, straight from
// attr values: going through tfsdk-tagged structs would reflect over every field
// of every item. It stops at the first item whose attributes fail.
func objectList[T any](attrTypes map[string]attr.Type, items []T, attrs func(T) (map[string]attr.Value, diag.Diagnostics)) (types.List, diag.Diagnostics) {
	objType := types.ObjectType{AttrTypes: attrTypes}
	elems := make([]attr.Value, len(items))
	var diags diag.Diagnostics
	for i, item := range items {
		values, d := attrs(item)
		diags.Append(d...)
		if diags.HasError() {
			return types.ListNull(objType), diags
		}
		obj, d := types.ObjectValue(attrTypes, values)
		diags.Append(d...)
		if diags.HasError() {
			return types.ListNull(objType), diags
		}
		elems[i] = obj
	}
	list, d := types.ListValue(objType, elems)
	diags.Append(d...)
	return list, diags
}

// listTypeOf is the type of a list of objects of attrTypes.
func listTypeOf(attrTypes map[string]attr.Type) types.ListType {
	return types.ListType{ElemType: types.ObjectType{AttrTypes: attrTypes}}
}

// setRawAttribute replaces one top-level attribute of state with a ready-made
// Terraform value, for results too large to go through State.Set cheaply.
func setRawAttribute(state *tfsdk.State, name string, value tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		diags.AddError("Internal error writing state", fmt.Sprintf("Reading the state object failed: %v. This is a bug in the provider; please report it.", err))
		return diags
	}
	attrs[name] = value
	raw := tftypes.NewValue(state.Raw.Type(), attrs)
	state.Raw = raw
	return diags
}

// rawTimeValue is timeValue as a Terraform string value (null when empty).
func rawTimeValue(s, kind string, id any, field string) (tftypes.Value, diag.Diagnostics) {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil), nil
	}
	if diags := checkTime(s, kind, id, field); diags.HasError() {
		return tftypes.NewValue(tftypes.String, nil), diags
	}
	return tftypes.NewValue(tftypes.String, s), nil
}

// timeValue maps an API time to an RFC 3339 value; an empty time is null. kind
// and id name the item in the diagnostic of an invalid time, e.g. "Task", 2439 (an
// instance's id is a string).
func timeValue(s, kind string, id any, field string) (timetypes.RFC3339, diag.Diagnostics) {
	if s == "" {
		return timetypes.NewRFC3339Null(), nil
	}
	if diags := checkTime(s, kind, id, field); diags.HasError() {
		return timetypes.NewRFC3339Null(), diags
	}
	// Checked above: NewRFC3339ValueMust would parse the string a second time.
	return timetypes.RFC3339{StringValue: types.StringValue(s)}, nil
}

// checkTime reports an API time that is not RFC 3339, naming the item.
func checkTime(s, kind string, id any, field string) diag.Diagnostics {
	var diags diag.Diagnostics
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		diags.AddError("Invalid time in the SWR API response",
			fmt.Sprintf("%s %v has %s %q, which is not an RFC 3339 time. This is a fault of the API; please report it with the %s id.", kind, id, field, s, strings.ToLower(kind)))
	}
	return diags
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

// statusFilterAttribute is the optional status argument of a listing of what.
func statusFilterAttribute(what string, statuses []string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only list " + what + " in this status, one of " + quotedList(statuses) + " (case-sensitive).",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.OneOf(statuses...)},
	}
}

// dataSourceID is the deterministic id of a read: the path of what was read,
// joined by '/', then the filters that were set as a sorted, escaped query.
func dataSourceID(path []string, filters url.Values) string {
	id := strings.Join(path, "/")
	if len(filters) > 0 {
		id += "?" + filters.Encode()
	}
	return id
}
