package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// settings are the provider arguments after the environment fallback: a value in
// the configuration wins, then the first environment variable that is set.
type settings struct {
	region, endpoint, iamEndpoint, projectID string
	credentials                              client.Credentials
	insecure                                 bool
	caCertFile                               string
	maxRetries                               int
	maxConcurrentRequests                    int
	requestTimeout                           time.Duration
	maxRequestsInFlight                      int

	// problems found while reading environment values, reported by check.
	envErrors []envError
}

type envError struct {
	attr, variable, value, want string
}

// envVars are the environment variables of each argument, first match wins.
var envVars = map[string][]string{
	"region":                  {"HW_REGION_NAME"},
	"endpoint":                {"SWR_ENDPOINT"},
	"iam_endpoint":            {"HW_AUTH_URL"},
	"project_id":              {"HW_PROJECT_ID"},
	"auth_token":              {"HW_AUTH_TOKEN"},
	"access_key":              {"HW_ACCESS_KEY", "CLOUD_SDK_AK"},
	"secret_key":              {"HW_SECRET_KEY", "CLOUD_SDK_SK"},
	"security_token":          {"HW_SECURITY_TOKEN"},
	"user_name":               {"HW_USER_NAME"},
	"password":                {"HW_USER_PASSWORD"},
	"domain_name":             {"HW_DOMAIN_NAME"},
	"insecure":                {"HW_INSECURE"},
	"ca_cert_file":            {"HW_CACERT", "OS_CACERT"},
	"max_retries":             {"HW_MAX_RETRIES"},
	"max_concurrent_requests": {"SWR_MAX_CONCURRENT_REQUESTS"},
	"request_timeout":         {"SWR_REQUEST_TIMEOUT"},
	"max_requests_in_flight":  {"SWR_MAX_REQUESTS_IN_FLIGHT"},
}

func settingsFrom(cfg providerModel, getenv func(string) string) settings {
	var s settings
	str := func(attr string, v types.String) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		for _, name := range envVars[attr] {
			if val := getenv(name); val != "" {
				return val
			}
		}
		return ""
	}
	envValue := func(attr string) (string, string) {
		for _, name := range envVars[attr] {
			if val := getenv(name); val != "" {
				return name, val
			}
		}
		return "", ""
	}
	s.region = str("region", cfg.Region)
	s.endpoint = str("endpoint", cfg.Endpoint)
	s.iamEndpoint = str("iam_endpoint", cfg.IAMEndpoint)
	s.projectID = str("project_id", cfg.ProjectID)
	s.credentials = client.Credentials{
		Token:         str("auth_token", cfg.AuthToken),
		AccessKey:     str("access_key", cfg.AccessKey),
		SecretKey:     str("secret_key", cfg.SecretKey),
		SecurityToken: str("security_token", cfg.SecurityToken),
		UserName:      str("user_name", cfg.UserName),
		Password:      str("password", cfg.Password),
		DomainName:    str("domain_name", cfg.DomainName),
	}
	s.caCertFile = str("ca_cert_file", cfg.CACertFile)

	if !cfg.Insecure.IsNull() {
		s.insecure = cfg.Insecure.ValueBool()
	} else if name, val := envValue("insecure"); val != "" {
		b, err := parseBoolEnv(val)
		if err != nil {
			s.envErrors = append(s.envErrors, envError{"insecure", name, val, "true or false"})
		}
		s.insecure = b
	}

	intSetting := func(attr string, v types.Int64, def int) int {
		if !v.IsNull() {
			return int(v.ValueInt64())
		}
		name, val := envValue(attr)
		if val == "" {
			return def
		}
		n, err := parseIntEnv(val)
		if err != nil || n < 0 || n > 100 {
			s.envErrors = append(s.envErrors, envError{attr, name, val, "a whole number from 0 to 100"})
			return def
		}
		return int(n)
	}
	s.maxRetries = intSetting("max_retries", cfg.MaxRetries, client.DefaultMaxRetries)
	s.maxConcurrentRequests = intSetting("max_concurrent_requests", cfg.MaxConcurrentRequests, client.DefaultMaxConcurrentRequests)

	// The schema validator has checked a configured value already.
	s.requestTimeout = client.DefaultRequestTimeout
	if raw := str("request_timeout", cfg.RequestTimeout); raw != "" {
		if d, err := parseRequestTimeout(raw); err == nil {
			s.requestTimeout = d
		} else if cfg.RequestTimeout.IsNull() {
			name, _ := envValue("request_timeout")
			s.envErrors = append(s.envErrors, envError{"request_timeout", name, raw, requestTimeoutWant})
		}
	}
	s.maxRequestsInFlight = intSetting("max_requests_in_flight", cfg.MaxRequestsInFlight, client.DefaultMaxRequestsInFlight)
	return s
}

// check reports every problem of the settings at once, each on its attribute.
func (s settings) check(diags *diag.Diagnostics) {
	for _, e := range s.envErrors {
		diags.AddAttributeError(path.Root(e.attr), "Invalid environment variable",
			fmt.Sprintf("%s=%q is not %s. Fix or unset the variable, or set %q in the provider block.", e.variable, e.value, e.want, e.attr))
	}
	if s.maxConcurrentRequests < 1 || s.maxConcurrentRequests > 32 {
		diags.AddAttributeError(path.Root("max_concurrent_requests"), "Invalid max_concurrent_requests",
			fmt.Sprintf("max_concurrent_requests must be from 1 to 32, got %d.", s.maxConcurrentRequests))
	}
	if s.maxRequestsInFlight < 1 {
		diags.AddAttributeError(path.Root("max_requests_in_flight"), "Invalid max_requests_in_flight",
			fmt.Sprintf("max_requests_in_flight must be from 1 to 100, got %d.", s.maxRequestsInFlight))
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
	const methods = "Set exactly one of: auth_token (HW_AUTH_TOKEN); access_key and secret_key (HW_ACCESS_KEY and HW_SECRET_KEY); " +
		"or user_name, password and domain_name (HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME)."
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
				"secret_key (or security_token) is set but access_key is not. Set access_key (HW_ACCESS_KEY) to the access key of the secret key.")
		}
		if c.SecretKey == "" {
			diags.AddAttributeError(path.Root("secret_key"), "Missing secret_key",
				"access_key is set but secret_key is not. Set secret_key (HW_SECRET_KEY) to the secret of the access key.")
		}
	case password:
		for attr, v := range map[string]string{"user_name": c.UserName, "password": c.Password, "domain_name": c.DomainName} {
			if v == "" {
				diags.AddAttributeError(path.Root(attr), "Missing "+attr,
					fmt.Sprintf("Password authentication needs user_name, password and domain_name; %s (%s) is not set.", attr, envVars[attr][0]))
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
				fmt.Sprintf("Without a region the provider cannot build the default %s. Set region (HW_REGION_NAME), or set %s explicitly.",
					joinAnd(missing), joinAnd(missing)))
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

func joinAnd(items []string) string {
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
			out += " and " + it
		default:
			out += ", " + it
		}
	}
	return out
}
