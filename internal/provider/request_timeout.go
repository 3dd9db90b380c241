package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// Bounds of request_timeout: shorter than a second would time out healthy requests
// of a large page; longer than an hour is never what a per-attempt bound means.
const (
	minRequestTimeout = time.Second
	maxRequestTimeout = time.Hour
)

// requestTimeoutWant says what request_timeout accepts, with examples.
var requestTimeoutWant = fmt.Sprintf("a duration from %s to %s such as %q or %q", minRequestTimeout, maxRequestTimeout, "60s", "2m30s")

// parseRequestTimeout reads a request_timeout value (configuration or SWR_REQUEST_TIMEOUT).
func parseRequestTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if d < minRequestTimeout || d > maxRequestTimeout {
		return 0, fmt.Errorf("%s is out of range", d)
	}
	return d, nil
}

// requestTimeoutValidator checks request_timeout at validate time. The
// framework-timetypes GoDuration type would accept "0s" and "-5m" and its message
// names no range, so the check and its message are ours; both this validator and
// the environment fallback use parseRequestTimeout.
type requestTimeoutValidator struct{}

var _ validator.String = requestTimeoutValidator{}

func (requestTimeoutValidator) Description(context.Context) string {
	return "must be " + requestTimeoutWant
}

func (v requestTimeoutValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (requestTimeoutValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRequestTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid request_timeout",
			fmt.Sprintf("request_timeout = %q is not %s (%v). It bounds each attempt of a request; the default is %q.",
				req.ConfigValue.ValueString(), requestTimeoutWant, err, client.DefaultRequestTimeout.String()))
	}
}
