package client

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Names of the other settings in a ConfigError, as the provider's arguments name them.
const (
	FieldRegion      = "region"
	FieldEndpoint    = "endpoint"
	FieldIAMEndpoint = "iam_endpoint"
	FieldProjectID   = "project_id"
	FieldProjectName = "project_name"
	FieldCACert      = "ca_cert_file"
)

// regionName is what a region name looks like (cn-north-4, ap-southeast-1,
// eu-west-101): it goes into host names, so nothing else may pass.
var regionName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkedConfig is what New derives from a Config once every setting is checked.
type checkedConfig struct {
	method      AuthMethod
	endpoint    *url.URL
	iamEndpoint *url.URL // nil when nothing needs IAM and neither an IAM endpoint nor a region was given
}

// check is the one check of a Config: the credentials, the region and the
// endpoints. It reports every problem at once, each a *ConfigError, joined.
func (cfg Config) check() (checkedConfig, error) {
	var out checkedConfig
	method, credErr := cfg.Credentials.Method()
	out.method = method
	errs := []error{credErr}

	badRegion := cfg.Region != "" && !regionName.MatchString(cfg.Region)
	if badRegion {
		errs = append(errs, &ConfigError{Field: FieldRegion, Values: []string{FieldRegion},
			Reason: fmt.Sprintf("region %q is not a region name: lower-case letters, digits and hyphens, such as cn-north-4", cfg.Region)})
	}

	// IAM is needed to look the project id up and to get password tokens.
	needIAM := cfg.ProjectID == "" || method == AuthPassword
	var missing []string
	var err error
	if cfg.Endpoint == "" {
		missing = append(missing, FieldEndpoint)
	} else if out.endpoint, err = ParseEndpoint(cfg.Endpoint); err != nil {
		errs = append(errs, &ConfigError{Field: FieldEndpoint, Values: []string{FieldEndpoint}, Reason: err.Error()})
	}
	if cfg.IAMEndpoint == "" {
		if needIAM {
			missing = append(missing, FieldIAMEndpoint)
		}
	} else if out.iamEndpoint, err = ParseIAMEndpoint(cfg.IAMEndpoint); err != nil {
		errs = append(errs, &ConfigError{Field: FieldIAMEndpoint, Values: []string{FieldIAMEndpoint}, Reason: err.Error()})
	}
	if cfg.ProjectID == "" && cfg.ProjectName == "" {
		missing = append(missing, FieldProjectID)
	}
	if cfg.Region == "" {
		if len(missing) > 0 {
			them := "them"
			if len(missing) == 1 {
				them = missing[0]
			}
			errs = append(errs, &ConfigError{Field: FieldRegion, Reason: fmt.Sprintf(
				"no region is set, and without one the default %s cannot be found: set %s, or a region", joinAnd(missing), them)})
		}
		return out, errors.Join(errs...)
	}
	if badRegion {
		return out, errors.Join(errs...)
	}
	if cfg.Endpoint == "" {
		out.endpoint, _ = url.Parse(DefaultEndpoint(cfg.Region)) // a valid region makes a valid URL
	}
	if cfg.IAMEndpoint == "" {
		out.iamEndpoint, _ = url.Parse(DefaultIAMEndpoint(cfg.Region))
	}
	return out, errors.Join(errs...)
}

// ParseEndpoint checks that s is an absolute http(s) URL with a host and no query.
func ParseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%q must start with https:// (or http:// for a local test server)", s)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("%q must not carry a query, fragment or user info", s)
	}
	return u, nil
}

// IAMVersion is the path segment of the IAM API version, which the client puts
// before every IAM path (/v3/projects, /v3/auth/tokens).
const IAMVersion = "v3"

// ParseIAMEndpoint is ParseEndpoint for IAM, which also takes the huaweicloud
// provider's form of HW_AUTH_URL, with the API version: https://iam.{region}.{cloud}:443/v3
// (with or without a trailing slash) is the base https://iam.{region}.{cloud}:443,
// to which the client adds /v3 itself. It is the one rule about that suffix;
// the provider's documentation is generated from it.
func ParseIAMEndpoint(s string) (*url.URL, error) {
	u, err := ParseEndpoint(s)
	if err != nil {
		return nil, err
	}
	if suffix := "/" + IAMVersion; strings.HasSuffix(u.Path, suffix) {
		u.Path = strings.TrimSuffix(u.Path, suffix)
		u.RawPath = strings.TrimSuffix(u.RawPath, suffix)
	}
	return u, nil
}

// joinAnd joins items with ", " and " and " before the last one.
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
