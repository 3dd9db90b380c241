package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// the default. Most arguments go straight into the client's Config.
type settings struct {
	client.Config
	caCertFile string
	cloud      string // HW_CLOUD (checkCloud)

	// source says where each argument's value came from, by argument name: the
	// environment variable's name, or fromConfig; an argument left unset has none.
	source map[string]string
	// places are where each family's values come from (familySources).
	places map[string]int
	// unusedEnv are variables of a family (see providerArgument.family) that are
	// set but were not used, because another place gave that family's values.
	unusedEnv []string
	// problems found while reading environment values, reported by check.
	envErrors []envError
}

// fromConfig is the source of a value written in the provider block.
const fromConfig = "the provider block"

type envError struct {
	attr, variable, value, want string
}

//go:generate go test . -run ^TestDocs_GeneratedPartsAreCurrent$ -count=1 -args -update

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
	// family names a group of arguments whose values come from one place: the
	// provider block, or the variables at one index of their env lists (all the
	// first ones, or all the second ones), never a mix.
	family string
	// follows marks a member of a family whose variables choose no place: it is
	// read at the place the others' variables chose (a security token goes with
	// the key pair it belongs to), or at its own when none of theirs is set.
	follows bool
	// field points at the settings field the value goes to; its type (*string,
	// *bool, *int or *time.Duration) is the argument's type.
	field func(*settings) any
}

var providerArguments = []providerArgument{
	{name: client.FieldRegion, env: []string{"HW_REGION_NAME"}, field: func(s *settings) any { return &s.Region },
		description: "Region name, e.g. `cn-north-4`: lower-case letters, digits and hyphens (as in `ap-southeast-1` or `eu-west-101`), nothing else. " +
			"Builds the default endpoints and finds the project id."},
	{name: client.FieldEndpoint, env: []string{"SWR_ENDPOINT"}, field: func(s *settings) any { return &s.Endpoint },
		defaultDoc:  "`https://swr-api.{region}.myhuaweicloud.com` (`myhuaweicloud.eu` for `eu-west-1*`)",
		description: "Base URL of the SWR API."},
	{name: client.FieldIAMEndpoint, env: []string{"HW_AUTH_URL", "OS_AUTH_URL"}, field: func(s *settings) any { return &s.IAMEndpoint },
		defaultDoc: "the region's endpoint in the official SDK's table, e.g. `https://iam.cn-north-4.myhuaweicloud.com` " +
			"(`https://iam.eu-west-101.myhuaweicloud.eu` for `eu-west-101`), or the global `https://iam.myhuaweicloud.com` for a region the table does not list",
		description: "Base URL of IAM, for password tokens and the project lookup. " + iamVersionStatement()},
	{name: client.FieldProjectID, env: []string{"HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"}, field: func(s *settings) any { return &s.ProjectID },
		defaultDoc:  "looked up once through IAM by `project_name`",
		description: "Project of the SWR Enterprise instance."},
	{name: client.FieldProjectName, env: []string{"HW_PROJECT_NAME", "OS_PROJECT_NAME"}, field: func(s *settings) any { return &s.ProjectName },
		defaultDoc:  "the region name, the name of the region's default project",
		description: "Name of the project whose id is looked up through IAM when `project_id` is not set, e.g. a sub-project `cn-north-4_team`. Not used when `project_id` is set."},
	{name: client.FieldToken, env: []string{"HW_AUTH_TOKEN"}, sensitive: true, field: func(s *settings) any { return &s.Credentials.Token },
		description: "IAM token, sent as `X-Auth-Token`."},
	{name: client.FieldAccessKey, env: []string{"HW_ACCESS_KEY", "CLOUD_SDK_AK", "HUAWEICLOUD_SDK_AK"}, family: accessKeyFamily, field: func(s *settings) any { return &s.Credentials.AccessKey },
		description: "Access key (AK); every request is signed with SDK-HMAC-SHA256. " + accessKeyFamilyDoc},
	{name: client.FieldSecretKey, env: []string{"HW_SECRET_KEY", "CLOUD_SDK_SK", "HUAWEICLOUD_SDK_SK"}, family: accessKeyFamily, sensitive: true, field: func(s *settings) any { return &s.Credentials.SecretKey },
		description: "Secret key (SK) of `access_key`. " + accessKeyFamilyDoc},
	// The huaweicloud provider reads HW_SECURITY_TOKEN beside either of its
	// pairs, so it stands at both of their places; the SDKs have their own.
	{name: client.FieldSecurityToken, env: []string{"HW_SECURITY_TOKEN", "HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"}, family: accessKeyFamily, follows: true,
		sensitive: true, field: func(s *settings) any { return &s.Credentials.SecurityToken },
		description: "Security token of temporary access keys; only with `access_key` and `secret_key`. " + accessKeyFamilyDoc},
	{name: client.FieldUserName, env: []string{"HW_USER_NAME"}, field: func(s *settings) any { return &s.Credentials.UserName },
		description: "IAM user name; the provider gets a token with it once per run."},
	{name: client.FieldPassword, env: []string{"HW_USER_PASSWORD"}, sensitive: true, field: func(s *settings) any { return &s.Credentials.Password },
		description: "Password of `user_name`."},
	{name: client.FieldDomainName, env: []string{"HW_DOMAIN_NAME"}, field: func(s *settings) any { return &s.Credentials.DomainName },
		description: "Account (domain) name of `user_name`."},
	{name: "insecure", env: []string{"HW_INSECURE"}, def: "false", field: func(s *settings) any { return &s.Insecure },
		description: "Skip TLS certificate verification. Only for test endpoints."},
	{name: client.FieldCACert, env: []string{"HW_CACERT", "OS_CACERT"}, field: func(s *settings) any { return &s.caCertFile },
		description: "Path of a PEM file of CA certificates to trust in addition to the system's."},
	{name: "max_retries", env: []string{"HW_MAX_RETRIES"}, def: strconv.Itoa(client.DefaultMaxRetries), min: 0, max: 100,
		field:       func(s *settings) any { return &s.MaxRetries },
		description: "How many times a request is retried after HTTP 429, 5xx (but 501) or a connection error, with exponential back-off that honours `Retry-After`; `0` disables retrying."},
	{name: "max_concurrent_requests", env: []string{"SWR_MAX_CONCURRENT_REQUESTS"}, def: strconv.Itoa(client.DefaultMaxConcurrentRequests), min: 1, max: 32,
		field:       func(s *settings) any { return &s.MaxConcurrentRequests },
		description: "How many page requests of one listing may be in flight at once; `1` reads pages one after another."},
	{name: "max_requests_in_flight", env: []string{"SWR_MAX_REQUESTS_IN_FLIGHT"}, def: strconv.Itoa(client.DefaultMaxRequestsInFlight), min: 1, max: 100,
		field: func(s *settings) any { return &s.MaxRequestsInFlight },
		description: "How many requests the provider may have in flight at once over every data source of the run together " +
			"(the CLI reads up to 10 data sources at once, each with up to `max_concurrent_requests` pages in flight). Lower it for an API that throttles bursts."},
	// Shorter than a second would time out healthy requests of a large page; longer
	// than an hour is never what a per-attempt bound means.
	{name: requestTimeoutArgument, env: []string{"SWR_REQUEST_TIMEOUT"}, def: shortDuration(client.DefaultRequestTimeout), min: int64(time.Second), max: int64(time.Hour),
		field: func(s *settings) any { return &s.RequestTimeout },
		description: "How long one attempt of a request may take, from sending it to reading the whole answer, as a duration such as `60s` or `2m`. " +
			"An attempt past it counts as a connection error and is retried (see `max_retries`); the data source's read timeout still bounds the whole read."},
}

// requestTimeoutArgument is the name of the per-attempt timeout argument, which
// the diagnostics name too.
const requestTimeoutArgument = "request_timeout"

// accessKeyFamily groups the arguments of an access key pair: its values come
// from one place, never an access key of one pair beside a secret key of another.
const (
	accessKeyFamily    = "access key"
	accessKeyFamilyDoc = "The access key pair and its security token come from one place: the provider block; `HW_ACCESS_KEY`, `HW_SECRET_KEY` and `HW_SECURITY_TOKEN`; " +
		"`CLOUD_SDK_AK`, `CLOUD_SDK_SK` and `HW_SECURITY_TOKEN` (as the huaweicloud provider reads them); or the official SDKs' `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` and `HUAWEICLOUD_SDK_SECURITY_TOKEN`."
)

// variables are the argument's environment variables, each once.
func (a providerArgument) variables() []string { return slices.Compact(slices.Clone(a.env)) }

// envHint names the first environment variable of the argument name, for messages.
func envHint(name string) string {
	if a := providerArgumentNamed(name); a != nil && len(a.env) > 0 {
		return a.env[0]
	}
	return "its environment variable"
}

// schemaAttribute is the argument's attribute in the provider schema.
func (a providerArgument) schemaAttribute() schema.Attribute {
	desc := a.meaning()
	if lo, hi, ok := a.rangeText(); ok {
		desc += fmt.Sprintf(" From `%s` to `%s`.", lo, hi)
	}
	if d := a.defaultMarkdown(); d != "" {
		desc += " Default: " + d + "."
	}
	desc += " Environment: " + joinOr(codeList(a.variables())) + "."
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

// configText is a known, non-null configuration value as text. An empty string
// counts as unset, as an empty environment variable does: a module's
// `default = ""` then leaves the environment and the default in force, rather
// than replacing them with nothing (issue 20: an empty endpoint must not mean
// the public one while SWR_ENDPOINT is set). It is the one place of that rule.
func configText(v attr.Value) (string, bool) {
	if v == nil || v.IsNull() || v.IsUnknown() {
		return "", false
	}
	switch v := v.(type) {
	case types.String:
		return v.ValueString(), v.ValueString() != ""
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
					"or leave it out and set its environment variable (%s) instead.", a.name, joinOr(a.variables())))
		}
	}
}

// settingsFrom resolves every argument: the configuration's value (config, by
// argument name; a missing name is null), else the first environment variable
// that is set (non-empty), else the default. The arguments of a family take
// their values from one place only (see familySources). An environment value
// that does not parse is kept for check to report, and the default is used.
func settingsFrom(config map[string]attr.Value, getenv func(string) string) settings {
	s := settings{source: map[string]string{}, cloud: getenv(cloudVariable)}
	places := s.familySources(config, getenv)
	s.places = places
	for _, a := range providerArguments {
		vars := a.env
		if a.family != "" {
			vars = nil
			if i := places[a.family]; i >= 0 && i < len(a.env) {
				vars = a.env[i : i+1]
			}
		}
		if text, ok := configText(config[a.name]); ok && (a.family == "" || places[a.family] == familyInConfig) {
			// Validated by the schema already.
			if err := a.set(&s, text); err == nil {
				s.source[a.name] = fromConfig
				continue
			}
		}
		if name, val := firstEnv(vars, getenv); val != "" {
			if err := a.set(&s, val); err == nil {
				s.source[a.name] = name
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

// familyInConfig is the place of a family whose values come from the provider block.
const familyInConfig = -1

// familySources chooses, for each family, where its values come from: the
// provider block when it sets any of them, else the first index i at which any
// of them has a variable set (every i-th variable of the family then, and no
// other), else none (len(env)). Set variables of the places not chosen go to
// s.unusedEnv, for the diagnostics.
func (s *settings) familySources(config map[string]attr.Value, getenv func(string) string) map[string]int {
	places := map[string]int{}
	followers := map[string]int{} // the place the followers' variables alone would choose
	for _, a := range providerArguments {
		if a.family == "" {
			continue
		}
		if _, ok := places[a.family]; !ok {
			places[a.family], followers[a.family] = len(a.env), len(a.env)
		}
		if _, ok := configText(config[a.name]); ok {
			places[a.family] = familyInConfig
		}
		for i, name := range a.env {
			switch {
			case getenv(name) == "":
			case a.follows:
				followers[a.family] = min(followers[a.family], i)
			default:
				places[a.family] = min(places[a.family], i)
			}
		}
	}
	for family, place := range places {
		if place == len(providerArgumentInFamily(family).env) {
			places[family] = followers[family]
		}
	}
	for _, a := range providerArguments {
		if a.family == "" {
			continue
		}
		place := places[a.family]
		for i, name := range a.env {
			used := place >= 0 && place < len(a.env) && a.env[place] == name
			if i != place && !used && getenv(name) != "" && !slices.Contains(s.unusedEnv, name) {
				s.unusedEnv = append(s.unusedEnv, name)
			}
		}
	}
	return places
}

// providerArgumentInFamily is the first argument of the family.
func providerArgumentInFamily(family string) *providerArgument {
	for i := range providerArguments {
		if providerArguments[i].family == family {
			return &providerArguments[i]
		}
	}
	return nil
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

// check reports the problems of the settings that are the provider's own: an
// environment value that does not parse, and a value that ends in a line break
// (what file() leaves). The client checks the rest (see addConfigErrors).
func (s settings) check(diags *diag.Diagnostics) {
	for _, e := range s.envErrors {
		diags.AddAttributeError(path.Root(e.attr), "Invalid environment variable",
			fmt.Sprintf("%s=%q is not %s. Fix or unset the variable, or set %q in the provider block.", e.variable, e.value, e.want, e.attr))
	}
	for _, a := range providerArguments {
		p, ok := a.field(&s).(*string)
		if !ok || !strings.HasSuffix(*p, "\n") && !strings.HasSuffix(*p, "\r") {
			continue
		}
		fix := fmt.Sprintf("A value read with file() keeps the file's last line break: wrap it in chomp(), e.g. %s = chomp(file(\"...\")).", a.name)
		if src := s.source[a.name]; src != fromConfig {
			fix = fmt.Sprintf("Remove the line break from %s.", src)
		}
		diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name,
			fmt.Sprintf("%s (from %s) ends with a line break, which is never part of a valid %s. %s", a.name, s.source[a.name], a.name, fix))
	}
}

// warn reports settings that work but put credentials at risk.
func (s settings) warn(diags *diag.Diagnostics) {
	for attr, v := range map[string]string{client.FieldEndpoint: s.Endpoint, client.FieldIAMEndpoint: s.IAMEndpoint} {
		if plainHTTPToRemote(v) {
			diags.AddAttributeWarning(path.Root(attr), "Credentials would travel in clear text",
				fmt.Sprintf("%s %q uses http:// to a host that is not loopback: tokens, signatures and passwords sent there can be read on the network. Use https://.", attr, v))
		}
	}
}

// addConfigErrors turns the client's configuration errors into diagnostics, each
// on the argument at fault, saying where the values involved came from and how
// to fix them.
func (s settings) addConfigErrors(diags *diag.Diagnostics, err error) {
	for _, e := range configErrors(err) {
		var cfgErr *client.ConfigError
		if !errors.As(e, &cfgErr) {
			diags.AddError("Invalid SWR provider configuration", e.Error())
			continue
		}
		detail := upperFirst(cfgErr.Reason) + "." + s.whereFrom(cfgErr.Values) + s.fix(cfgErr)
		switch {
		case cfgErr.Field == "" && len(cfgErr.Values) == 0:
			diags.AddError("No SWR credentials", detail)
		case cfgErr.Field == "":
			diags.AddError("More than one way to authenticate", detail)
		case s.source[cfgErr.Field] == "":
			diags.AddAttributeError(path.Root(cfgErr.Field), "Missing "+cfgErr.Field, detail)
		default:
			diags.AddAttributeError(path.Root(cfgErr.Field), "Invalid "+cfgErr.Field, detail)
		}
	}
}

// configErrors are the errors joined in err, one by one.
func configErrors(err error) []error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, configErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// whereFrom says where each of the named arguments' values came from.
func (s settings) whereFrom(names []string) string {
	var from []string
	for _, name := range names {
		if src := s.source[name]; src != "" {
			from = append(from, name+" from "+src)
		}
	}
	if len(from) == 0 {
		return ""
	}
	return " Where the values came from: " + joinAnd(from) + "."
}

// fix says what to do about e.
func (s settings) fix(e *client.ConfigError) string {
	var b strings.Builder
	switch src := s.source[e.Field]; {
	case e.Field == "" && len(e.Values) == 0:
		fmt.Fprintf(&b, " Set exactly one of: %s; %s; or %s.", credentialAttributes[client.AuthToken], credentialAttributes[client.AuthAKSK], credentialAttributes[client.AuthPassword])
	case e.Field == "":
		b.WriteString(" Keep exactly one way to authenticate: unset the others, in the provider block and in the environment.")
	case src == "":
		fmt.Fprintf(&b, " Set %s%s.", e.Field, s.whereToSet(e.Field))
	case src != fromConfig && inFamily(e.Field):
		fmt.Fprintf(&b, " Fix or unset %s.", src)
	case src != fromConfig:
		fmt.Fprintf(&b, " Fix or unset %s, or set %s in the provider block.", src, e.Field)
	}
	if inFamily(e.Field) && len(s.unusedEnv) > 0 {
		fmt.Fprintf(&b, " %s %s set too, but the values of an %s pair are never taken from two places.",
			joinAnd(s.unusedEnv), map[bool]string{true: "is", false: "are"}[len(s.unusedEnv) == 1], providerArgumentNamed(e.Field).family)
	}
	return b.String()
}

// whereToSet says where an unset argument can be set: the provider block, or the
// variable of its family's place.
func (s settings) whereToSet(name string) string {
	a := providerArgumentNamed(name)
	if a == nil || len(a.env) == 0 {
		return " in the provider block"
	}
	vars := a.variables()
	if a.family != "" {
		for _, other := range providerArguments {
			if other.family == a.family && s.source[other.name] == fromConfig {
				return " in the provider block, beside " + other.name
			}
		}
		if place, ok := s.places[a.family]; ok && place >= 0 && place < len(a.env) {
			vars = a.env[place : place+1]
		}
	}
	return " in the provider block or " + joinOr(vars)
}

// providerArgumentNamed is the row of the argument name, nil if there is none.
func providerArgumentNamed(name string) *providerArgument {
	for i := range providerArguments {
		if providerArguments[i].name == name {
			return &providerArguments[i]
		}
	}
	return nil
}

// upperFirst is s with its first letter in upper case, for a sentence, unless s
// starts with the name of an argument.
func upperFirst(s string) string {
	if first, _, _ := strings.Cut(s, " "); providerArgumentNamed(first) != nil {
		return s
	}
	return capitalized(s)
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
	text, ok := configText(req.ConfigValue)
	if !ok {
		return
	}
	var scratch settings
	if err := v.arg.set(&scratch, text); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.arg.name,
			fmt.Sprintf("%s = %q is not %s (%v). The default is %q.", v.arg.name, text, v.arg.want(), err, v.arg.def))
	}
}

// emptyStringDoc is the rule of configText, in every string argument's description.
const emptyStringDoc = "`\"\"` counts as unset, so that the environment variable, then the default, applies."

// meaning is the argument's description with the rules every argument of its
// kind shares, for the schema and the documentation's table.
func (a providerArgument) meaning() string {
	switch a.field(&settings{}).(type) {
	case *string, *time.Duration:
		return a.description + " " + emptyStringDoc
	}
	return a.description
}

// inFamily reports whether the argument name belongs to a family.
func inFamily(name string) bool {
	a := providerArgumentNamed(name)
	return a != nil && a.family != ""
}
