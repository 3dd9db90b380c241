package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// settings are the provider arguments after the environment fallback: a value in
// the configuration wins, then the first environment variable that is set, then
// the default.
type settings struct {
	region, endpoint, iamEndpoint, projectID string
	credentials                              client.Credentials
	insecure                                 bool
	caCertFile                               string
	maxRetries                               int
	maxConcurrentRequests                    int
	maxRequestsInFlight                      int
	requestTimeout                           time.Duration

	// problems found while reading environment values, reported by check.
	envErrors []envError
}

type envError struct {
	attr, variable, value, want string
}

//go:generate go test . -run ^TestDocs_ProviderArgumentsTableIsCurrent$ -count=1 -args -update

// providerArgument is one argument of the provider block: the one place that says
// its name, meaning, environment variables, default and range. The schema, the
// unknown-value check, the settings and the documentation's table of arguments
// are all derived from providerArguments, so adding an argument is adding a row
// (and the settings field its value goes to).
type providerArgument struct {
	name        string
	description string   // Markdown; the schema adds the range, default and environment
	sensitive   bool     // a secret: never logged, hidden in plans
	env         []string // environment variables, the first one that is set wins
	def         string   // default, written as in the environment; "" for none
	defaultDoc  string   // Markdown of a default that is not a constant, e.g. built from the region
	min, max    int64    // range of a whole number, or of a duration (in nanoseconds)
	// field points at the settings field the value goes to; its type (*string,
	// *bool, *int or *time.Duration) is the argument's type.
	field func(*settings) any
}

var providerArguments = []providerArgument{
	{name: "region", env: []string{"HW_REGION_NAME"}, field: func(s *settings) any { return &s.region },
		description: "Region, e.g. `cn-north-4`. Builds the default endpoints and finds the project id."},
	{name: "endpoint", env: []string{"SWR_ENDPOINT"}, field: func(s *settings) any { return &s.endpoint },
		defaultDoc:  "`https://swr-api.{region}.myhuaweicloud.com` (`myhuaweicloud.eu` for `eu-west-1*`)",
		description: "Base URL of the SWR API."},
	{name: "iam_endpoint", env: []string{"HW_AUTH_URL"}, field: func(s *settings) any { return &s.iamEndpoint },
		defaultDoc: "the region's endpoint in the official SDK's table, e.g. `https://iam.cn-north-4.myhuaweicloud.com` " +
			"(`https://iam.eu-west-101.myhuaweicloud.eu` for `eu-west-101`), or the global `https://iam.myhuaweicloud.com` for a region the table does not list",
		description: "Base URL of IAM, for password tokens and the project lookup."},
	{name: "project_id", env: []string{"HW_PROJECT_ID"}, field: func(s *settings) any { return &s.projectID },
		defaultDoc:  "looked up once through IAM by the region name",
		description: "Project of the SWR Enterprise instance."},
	{name: "auth_token", env: []string{"HW_AUTH_TOKEN"}, sensitive: true, field: func(s *settings) any { return &s.credentials.Token },
		description: "IAM token, sent as `X-Auth-Token`."},
	{name: "access_key", env: []string{"HW_ACCESS_KEY", "CLOUD_SDK_AK"}, field: func(s *settings) any { return &s.credentials.AccessKey },
		description: "Access key (AK); every request is signed with SDK-HMAC-SHA256."},
	{name: "secret_key", env: []string{"HW_SECRET_KEY", "CLOUD_SDK_SK"}, sensitive: true, field: func(s *settings) any { return &s.credentials.SecretKey },
		description: "Secret key (SK) of `access_key`."},
	{name: "security_token", env: []string{"HW_SECURITY_TOKEN"}, sensitive: true, field: func(s *settings) any { return &s.credentials.SecurityToken },
		description: "Security token of temporary access keys."},
	{name: "user_name", env: []string{"HW_USER_NAME"}, field: func(s *settings) any { return &s.credentials.UserName },
		description: "IAM user name; the provider gets a token with it once per run."},
	{name: "password", env: []string{"HW_USER_PASSWORD"}, sensitive: true, field: func(s *settings) any { return &s.credentials.Password },
		description: "Password of `user_name`."},
	{name: "domain_name", env: []string{"HW_DOMAIN_NAME"}, field: func(s *settings) any { return &s.credentials.DomainName },
		description: "Account (domain) name of `user_name`."},
	{name: "insecure", env: []string{"HW_INSECURE"}, def: "false", field: func(s *settings) any { return &s.insecure },
		description: "Skip TLS certificate verification. Only for test endpoints."},
	{name: "ca_cert_file", env: []string{"HW_CACERT", "OS_CACERT"}, field: func(s *settings) any { return &s.caCertFile },
		description: "Path of a PEM file of CA certificates to trust in addition to the system's."},
	{name: "max_retries", env: []string{"HW_MAX_RETRIES"}, def: strconv.Itoa(client.DefaultMaxRetries), min: 0, max: 100,
		field:       func(s *settings) any { return &s.maxRetries },
		description: "How many times a request is retried after HTTP 429, 5xx (but 501) or a connection error, with exponential back-off that honours `Retry-After`; `0` disables retrying."},
	{name: "max_concurrent_requests", env: []string{"SWR_MAX_CONCURRENT_REQUESTS"}, def: strconv.Itoa(client.DefaultMaxConcurrentRequests), min: 1, max: 32,
		field:       func(s *settings) any { return &s.maxConcurrentRequests },
		description: "How many page requests of one listing may be in flight at once; `1` reads pages one after another."},
	{name: "max_requests_in_flight", env: []string{"SWR_MAX_REQUESTS_IN_FLIGHT"}, def: strconv.Itoa(client.DefaultMaxRequestsInFlight), min: 1, max: 100,
		field: func(s *settings) any { return &s.maxRequestsInFlight },
		description: "How many requests the provider may have in flight at once over every data source of the run together " +
			"(the CLI reads up to 10 data sources at once, each with up to `max_concurrent_requests` pages in flight). Lower it for an API that throttles bursts."},
	// Shorter than a second would time out healthy requests of a large page; longer
	// than an hour is never what a per-attempt bound means.
	{name: "request_timeout", env: []string{"SWR_REQUEST_TIMEOUT"}, def: "60s", min: int64(time.Second), max: int64(time.Hour),
		field: func(s *settings) any { return &s.requestTimeout },
		description: "How long one attempt of a request may take, from sending it to reading the whole answer, as a duration such as `60s` or `2m`. " +
			"An attempt past it counts as a connection error and is retried (see `max_retries`); the data source's read timeout still bounds the whole read."},
}

// envHint names the first environment variable of the argument name, for messages.
func envHint(name string) string {
	for _, a := range providerArguments {
		if a.name == name && len(a.env) > 0 {
			return a.env[0]
		}
	}
	return "its environment variable"
}

// schemaAttribute is the argument's attribute in the provider schema.
func (a providerArgument) schemaAttribute() schema.Attribute {
	desc := a.description
	if lo, hi, ok := a.rangeText(); ok {
		desc += fmt.Sprintf(" From `%s` to `%s`.", lo, hi)
	}
	if d := a.defaultMarkdown(); d != "" {
		desc += " Default: " + d + "."
	}
	desc += " Environment: " + joinOr(codeList(a.env)) + "."
	switch a.field(&settings{}).(type) {
	case *bool:
		return schema.BoolAttribute{MarkdownDescription: desc, Optional: true, Sensitive: a.sensitive}
	case *int:
		return schema.Int64Attribute{MarkdownDescription: desc, Optional: true, Sensitive: a.sensitive,
			Validators: []validator.Int64{int64validator.Between(a.min, a.max)}}
	case *time.Duration:
		// A plain string, not timetypes.GoDuration: that type accepts "0s" and "-5m"
		// and answers a bad value with its own message, which names no range and
		// comes before any validator of ours.
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Sensitive: a.sensitive,
			Validators: []validator.String{durationValidator{a}}}
	default:
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Sensitive: a.sensitive}
	}
}

// rangeText is the argument's range as written in the documentation: every whole
// number has one, a duration has one when max is set.
func (a providerArgument) rangeText() (lo, hi string, ok bool) {
	switch a.field(&settings{}).(type) {
	case *int:
		return strconv.FormatInt(a.min, 10), strconv.FormatInt(a.max, 10), true
	case *time.Duration:
		if a.max > 0 {
			return shortDuration(time.Duration(a.min)), shortDuration(time.Duration(a.max)), true
		}
	}
	return "", "", false
}

// shortDuration writes d as a person would: 1h rather than Go's 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// defaultMarkdown is the default for the documentation, "" when there is none.
func (a providerArgument) defaultMarkdown() string {
	switch {
	case a.defaultDoc != "":
		return a.defaultDoc
	case a.def != "":
		return "`" + a.def + "`"
	}
	return ""
}

// want says what a valid environment value of the argument looks like.
func (a providerArgument) want() string {
	switch a.field(&settings{}).(type) {
	case *bool:
		return "true or false"
	case *int:
		return fmt.Sprintf("a whole number from %d to %d", a.min, a.max)
	case *time.Duration:
		if lo, hi, ok := a.rangeText(); ok {
			return fmt.Sprintf("a duration from %s to %s such as \"60s\" or \"2m30s\"", lo, hi)
		}
		return "a duration such as \"60s\" or \"2m30s\""
	}
	return "a string"
}

// set parses text into the argument's settings field. A string is taken as it
// is; around a number, a bool or a duration, spaces do not count.
func (a providerArgument) set(s *settings, text string) error {
	p := a.field(s)
	if str, ok := p.(*string); ok {
		*str = text
		return nil
	}
	text = strings.TrimSpace(text)
	switch p := p.(type) {
	case *bool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return err
		}
		*p = b
	case *int:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return err
		}
		if n < a.min || n > a.max {
			return fmt.Errorf("%d is out of range", n)
		}
		*p = int(n)
	case *time.Duration:
		d, err := time.ParseDuration(text)
		if err != nil {
			return err
		}
		if a.max > 0 && (d < time.Duration(a.min) || d > time.Duration(a.max)) {
			return fmt.Errorf("%s is out of range", d)
		}
		*p = d
	default:
		return fmt.Errorf("settings field of %s has the unsupported type %T", a.name, p)
	}
	return nil
}

// configText is a known, non-null configuration value as text.
func configText(v attr.Value) (string, bool) {
	if v == nil || v.IsNull() || v.IsUnknown() {
		return "", false
	}
	switch v := v.(type) {
	case types.String:
		return v.ValueString(), true
	case types.Bool:
		return strconv.FormatBool(v.ValueBool()), true
	case types.Int64:
		return strconv.FormatInt(v.ValueInt64(), 10), true
	}
	return "", false
}

// providerConfigValues reads every argument of the provider block by its name.
func providerConfigValues(ctx context.Context, config tfsdk.Config) (map[string]attr.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := make(map[string]attr.Value, len(providerArguments))
	for _, a := range providerArguments {
		var v attr.Value
		diags.Append(config.GetAttribute(ctx, path.Root(a.name), &v)...)
		values[a.name] = v
	}
	return values, diags
}

// checkKnown reports every argument whose value is unknown until apply: it cannot
// configure the provider for this plan.
func checkKnown(values map[string]attr.Value, diags *diag.Diagnostics) {
	for _, a := range providerArguments {
		if v := values[a.name]; v != nil && v.IsUnknown() {
			diags.AddAttributeError(path.Root(a.name), "Unknown SWR provider argument",
				fmt.Sprintf("The provider cannot be configured because %q is unknown until apply. "+
					"Set it to a value known at plan time (a literal, a variable or a data source that can be read at plan time), "+
					"or leave it out and set its environment variable (%s) instead.", a.name, joinOr(a.env)))
		}
	}
}

// settingsFrom resolves every argument: the configuration's value (config, by
// argument name; a missing name is null), else the first environment variable
// that is set (non-empty), else the default. An environment value that does not
// parse is kept for check to report, and the default is used.
func settingsFrom(config map[string]attr.Value, getenv func(string) string) settings {
	var s settings
	for _, a := range providerArguments {
		if text, ok := configText(config[a.name]); ok {
			// Validated by the schema already.
			if err := a.set(&s, text); err == nil {
				continue
			}
		}
		if name, val := firstEnv(a.env, getenv); val != "" {
			if err := a.set(&s, val); err == nil {
				continue
			}
			s.envErrors = append(s.envErrors, envError{a.name, name, val, a.want()})
		}
		if a.def != "" {
			// Every default parses: TestProviderArguments_Consistent.
			_ = a.set(&s, a.def)
		}
	}
	return s
}

// firstEnv is the first of names whose value is not empty, and that value.
func firstEnv(names []string, getenv func(string) string) (string, string) {
	for _, name := range names {
		if val := getenv(name); val != "" {
			return name, val
		}
	}
	return "", ""
}

// check reports every problem of the settings at once, each on its attribute.
func (s settings) check(diags *diag.Diagnostics) {
	for _, e := range s.envErrors {
		diags.AddAttributeError(path.Root(e.attr), "Invalid environment variable",
			fmt.Sprintf("%s=%q is not %s. Fix or unset the variable, or set %q in the provider block.", e.variable, e.value, e.want, e.attr))
	}

	c := s.credentials
	token := c.Token != ""
	aksk := c.AccessKey != "" || c.SecretKey != "" || c.SecurityToken != ""
	password := c.UserName != "" || c.Password != "" || c.DomainName != ""
	n := 0
	for _, set := range []bool{token, aksk, password} {
		if set {
			n++
		}
	}
	methods := fmt.Sprintf("Set exactly one of: auth_token (%s); access_key and secret_key (%s and %s); "+
		"or user_name, password and domain_name (%s, %s and %s).", envHint("auth_token"), envHint("access_key"), envHint("secret_key"),
		envHint("user_name"), envHint("password"), envHint("domain_name"))
	switch {
	case n == 0:
		diags.AddError("No SWR credentials", "The provider found no credentials in its configuration or environment. "+methods)
	case n > 1:
		var set []string
		if token {
			set = append(set, "a token")
		}
		if aksk {
			set = append(set, "an access key pair")
		}
		if password {
			set = append(set, "a user name and password")
		}
		diags.AddError("More than one way to authenticate",
			fmt.Sprintf("The provider found %s (in its configuration or environment) and cannot guess which to use. %s Unset the others, including their environment variables.",
				joinAnd(set), methods))
	case aksk:
		if c.AccessKey == "" {
			diags.AddAttributeError(path.Root("access_key"), "Missing access_key",
				fmt.Sprintf("secret_key (or security_token) is set but access_key is not. Set access_key (%s) to the access key of the secret key.", envHint("access_key")))
		}
		if c.SecretKey == "" {
			diags.AddAttributeError(path.Root("secret_key"), "Missing secret_key",
				fmt.Sprintf("access_key is set but secret_key is not. Set secret_key (%s) to the secret of the access key.", envHint("secret_key")))
		}
	case password:
		for attr, v := range map[string]string{"user_name": c.UserName, "password": c.Password, "domain_name": c.DomainName} {
			if v == "" {
				diags.AddAttributeError(path.Root(attr), "Missing "+attr,
					fmt.Sprintf("Password authentication needs user_name, password and domain_name; %s (%s) is not set.", attr, envHint(attr)))
			}
		}
	}

	for attr, v := range map[string]string{"endpoint": s.endpoint, "iam_endpoint": s.iamEndpoint} {
		if v == "" {
			continue
		}
		if _, err := client.ParseEndpoint(v); err != nil {
			diags.AddAttributeError(path.Root(attr), "Invalid "+attr,
				fmt.Sprintf("%v. Give the base URL of the API, e.g. %q.", err, map[string]string{
					"endpoint": client.DefaultEndpoint("cn-north-4"), "iam_endpoint": client.DefaultIAMEndpoint("cn-north-4"),
				}[attr]))
			continue
		}
		if plainHTTPToRemote(v) {
			diags.AddAttributeWarning(path.Root(attr), "Credentials would travel in clear text",
				fmt.Sprintf("%s %q uses http:// to a host that is not loopback: tokens, signatures and passwords sent there can be read on the network. Use https://.", attr, v))
		}
	}
	if s.region == "" {
		var missing []string
		if s.endpoint == "" {
			missing = append(missing, "endpoint")
		}
		if s.iamEndpoint == "" && (s.projectID == "" || password) {
			missing = append(missing, "iam_endpoint")
		}
		if s.projectID == "" {
			missing = append(missing, "project_id")
		}
		if len(missing) > 0 {
			diags.AddAttributeError(path.Root("region"), "Missing region",
				fmt.Sprintf("Without a region the provider cannot build the default %s. Set region (%s), or set %s explicitly.",
					joinAnd(missing), envHint("region"), joinAnd(missing)))
		}
	}
}

// addConfigError turns a client configuration error into a diagnostic on its attribute.
func addConfigError(diags *diag.Diagnostics, err error) {
	var cfgErr *client.ConfigError
	if errors.As(err, &cfgErr) && cfgErr.Field != "credentials" {
		diags.AddAttributeError(path.Root(cfgErr.Field), "Invalid SWR provider configuration", cfgErr.Error())
		return
	}
	diags.AddError("Invalid SWR provider configuration", err.Error())
}

func joinAnd(items []string) string { return joinWith(items, " and ") }

func joinOr(items []string) string { return joinWith(items, " or ") }

// codeList is items as Markdown code.
func codeList(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = "`" + it + "`"
	}
	return out
}

// joinWith joins items with ", " and last before the last one.
func joinWith(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := ""
	for i, it := range items {
		switch {
		case i == 0:
			out = it
		case i == len(items)-1:
			out += last + it
		default:
			out += ", " + it
		}
	}
	return out
}

// durationValidator checks a duration argument at validate time with its row of
// providerArguments: the same parsing and wording as the environment fallback.
type durationValidator struct{ arg providerArgument }

var _ validator.String = durationValidator{}

func (v durationValidator) Description(context.Context) string { return "must be " + v.arg.want() }

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var scratch settings
	if err := v.arg.set(&scratch, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.arg.name,
			fmt.Sprintf("%s = %q is not %s (%v). The default is %q.", v.arg.name, req.ConfigValue.ValueString(), v.arg.want(), err, v.arg.def))
	}
}
