package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// credentialAttributes names the arguments of each way to authenticate, with
// their environment variables from providerArguments, for diagnostics that say
// what to check, e.g. "access_key and secret_key (HW_ACCESS_KEY and
// HW_SECRET_KEY, or CLOUD_SDK_AK and CLOUD_SDK_SK)".
var credentialAttributes = map[client.AuthMethod]string{
	client.AuthToken:    credentialHint(client.FieldToken),
	client.AuthAKSK:     credentialHint(client.FieldAccessKey, client.FieldSecretKey) + ", and security_token if the keys are temporary",
	client.AuthPassword: credentialHint(client.FieldUserName, client.FieldPassword, client.FieldDomainName),
}

// credentialHint is names and, in brackets, their variables: each place of a
// family (all the first variables, then all the second ones) as one group.
func credentialHint(names ...string) string {
	var places []string
	for i := 0; ; i++ {
		var vars []string
		for _, name := range names {
			if a := providerArgumentNamed(name); a != nil && i < len(a.env) {
				vars = append(vars, a.env[i])
			}
		}
		if len(vars) < len(names) {
			break
		}
		places = append(places, joinAnd(vars))
	}
	return joinAnd(names) + " (" + strings.Join(places, ", or ") + ")"
}

// readErrorDiagnostic turns an error of a read into a diagnostic that says what
// probably went wrong and what to do, naming the service that answered (the SWR
// API or IAM). subject describes what was read, and notFoundHint which arguments
// to check on a 404.
func readErrorDiagnostic(ctx context.Context, err error, method client.AuthMethod, subject, notFoundHint string, timeoutHint string) diag.Diagnostic {
	var (
		apiErr         *client.APIError
		respErr        *client.ResponseError
		reqErr         *client.RequestError
		inconsistent   *client.InconsistentListError
		lookupErr      *client.ProjectLookupError
		tokenErr       *client.TokenError
		redirectErr    *client.RedirectError
		attemptTimeout *client.AttemptTimeoutError
	)
	// A token request that got no HTTP answer is the cause, whichever request
	// needed the token: say so of IAM, where it went.
	if errors.As(err, &tokenErr) && errors.As(tokenErr.Err, &reqErr) {
		err = tokenErr.Err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)):
		return diag.NewErrorDiagnostic("Timed out reading "+subject,
			fmt.Sprintf("Reading %s did not finish within the read timeout. %s\n\nLast error: %v", subject, timeoutHint, err))
	case errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic("Reading "+subject+" was cancelled",
			fmt.Sprintf("The operation was interrupted before %s were read: %v", subject, err))
	case errors.As(err, &redirectErr):
		return diag.NewErrorDiagnostic("The API redirected to another host",
			fmt.Sprintf("Reading %s: the server answered HTTP %d with a redirect to host %q, which the provider does not follow: %s.\n\n"+
				"The provider sends credentials only to the configured endpoints. If the API really moved, set endpoint or iam_endpoint to its new address.",
				subject, redirectErr.StatusCode, redirectErr.LocationHost, redirectErr.Reason))
	case errors.As(err, &attemptTimeout):
		return diag.NewErrorDiagnostic("The SWR API did not answer in time",
			fmt.Sprintf("Reading %s failed: %v.\n\nEvery attempt took longer than %s (%s). Raise %s (%s) or max_retries, or check the network path to endpoint and iam_endpoint.",
				subject, err, requestTimeoutArgument, attemptTimeout.Timeout, requestTimeoutArgument, envHint(requestTimeoutArgument)))
	case errors.As(err, &reqErr) && reqErr.Refused:
		return diag.NewErrorDiagnostic("Cannot reach "+theService(reqErr.Service)+": connection refused",
			fmt.Sprintf("Reading %s failed: %v.\n\nNothing is listening at that address, so the provider did not retry. Check %s (the host and port), and that the service or proxy there is running.",
				subject, err, endpointAttribute(reqErr.Service)))
	case errors.As(err, &apiErr) && apiErr.ForeignBody && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden):
		return proxyRefusalDiagnostic(apiErr, subject)
	case errors.As(err, &apiErr) && apiErr.Service == client.ServiceIAM && apiErr.StatusCode == http.StatusNotFound:
		// Before the token case: a 404 from IAM is a wrong iam_endpoint, not a wrong password.
		return diag.NewErrorDiagnostic("IAM has no such API at iam_endpoint",
			fmt.Sprintf("Reading %s: IAM answered HTTP 404 to %s %s.\n\n"+
				"%s (%s) is probably not IAM's base URL. Give it as https://iam.{region}.myhuaweicloud.com, "+
				"or in the huaweicloud provider's form https://iam.{region}.myhuaweicloud.com:443/v3, with no other path; "+
				"or leave it unset to use the region's default.", subject, apiErr.Method, apiErr.URL, client.FieldIAMEndpoint, envHint(client.FieldIAMEndpoint)))
	case errors.As(err, &tokenErr):
		detail := fmt.Sprintf("IAM refused to issue a token: %v.\n\nCheck %s, and that the user may log in to the project of the region.",
			tokenErr.Err, credentialAttributes[client.AuthPassword])
		return diag.NewErrorDiagnostic("IAM authentication failed", detail)
	case errors.As(err, &lookupErr):
		return diag.NewErrorDiagnostic("Cannot determine the project id", lookupErr.Error()+" ("+envHint(client.FieldProjectID)+").")
	case errors.As(err, &inconsistent):
		return diag.NewErrorDiagnostic("Inconsistent listing of "+subject,
			fmt.Sprintf("%v.\n\nThe provider never returns a partial or padded list. The execution may still be running or the API may be returning unstable pages; run again later.", err))
	case errors.As(err, &respErr) && errors.Is(err, client.ErrNotListing):
		return diag.NewErrorDiagnostic(respErr.Service.String()+" answered without a listing",
			fmt.Sprintf("Reading %s: %v.\n\nThe provider never reads such an answer as an empty list. A proxy or gateway in front of the endpoint may have answered instead of %s; check %s.",
				subject, err, theService(respErr.Service), endpointAttribute(respErr.Service)))
	case errors.As(err, &respErr):
		return diag.NewErrorDiagnostic("Unreadable response from "+theService(respErr.Service),
			fmt.Sprintf("%s answered something the provider cannot read while reading %s: %v.\n\nA proxy or gateway in front of the endpoint may have answered instead of %s; check %s.",
				capitalized(theService(respErr.Service)), subject, err, theService(respErr.Service), endpointAttribute(respErr.Service)))
	case errors.As(err, &apiErr):
		return apiErrorDiagnostic(apiErr, method, subject, notFoundHint)
	case errors.As(err, &reqErr):
		return diag.NewErrorDiagnostic("Cannot reach "+theService(reqErr.Service),
			fmt.Sprintf("Reading %s failed: %v.\n\nCheck %s, the network path to it, and TLS settings (ca_cert_file, insecure).", subject, err, endpointAttribute(reqErr.Service)))
	default:
		return diag.NewErrorDiagnostic("Error reading "+subject, err.Error())
	}
}

// theService names a service inside a sentence: "the SWR API", "IAM".
func theService(s client.Service) string {
	if s == client.ServiceIAM {
		return s.String()
	}
	return "the " + s.String()
}

// capitalized is s with its first letter upper-case, to start a sentence.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// endpointAttribute is the argument that points at a service.
func endpointAttribute(s client.Service) string {
	if s == client.ServiceIAM {
		return "iam_endpoint"
	}
	return "endpoint"
}

// proxyRefusalDiagnostic explains a 401 or 403 whose body is not the service's
// error shape: a proxy, gateway or WAF in front may have refused the request, and
// then the credentials were perhaps never checked.
func proxyRefusalDiagnostic(e *client.APIError, subject string) diag.Diagnostic {
	var b strings.Builder
	fmt.Fprintf(&b, "Reading %s: the answer was HTTP %d, but its body is not an error of %s", subject, e.StatusCode, theService(e.Service))
	if e.Message != "" {
		fmt.Fprintf(&b, " (it starts with %q)", e.Message)
	}
	fmt.Fprintf(&b, ".\n\nA proxy, gateway or web application firewall between the provider and %s may have answered instead of it; "+
		"the credentials may never have reached it. Check %s and the proxy settings (HTTPS_PROXY, NO_PROXY), "+
		"and ask whoever runs the proxy or firewall why it refused the request.", theService(e.Service), endpointAttribute(e.Service))
	if e.RequestID != "" {
		fmt.Fprintf(&b, "\n\nRequest id: %s", e.RequestID)
	}
	fmt.Fprintf(&b, "\nRequest: %s %s", e.Method, e.URL)
	return diag.NewErrorDiagnostic(fmt.Sprintf("HTTP %d from a proxy or gateway, maybe, not from %s", e.StatusCode, theService(e.Service)), b.String())
}

func apiErrorDiagnostic(e *client.APIError, method client.AuthMethod, subject, notFoundHint string) diag.Diagnostic {
	var b strings.Builder
	if said := e.Reason(); said != "" {
		fmt.Fprintf(&b, "%s answered HTTP %d (%s).", capitalized(theService(e.Service)), e.StatusCode, said)
	} else {
		fmt.Fprintf(&b, "%s answered HTTP %d.", capitalized(theService(e.Service)), e.StatusCode)
	}
	summary := fmt.Sprintf("%s error reading %s", e.Service, subject)
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		summary = e.Service.String() + " rejected the credentials"
		fmt.Fprintf(&b, "\n\nThe credentials are wrong, expired or not valid for this region's project. Check %s, region and project_id.", credentialAttributes[method])
		if method == client.AuthAKSK {
			b.WriteString(" A signature is also rejected when the machine's clock is far off.")
		}
	case e.StatusCode == http.StatusForbidden:
		summary = "Permission denied reading " + subject
		b.WriteString("\n\nThe credentials are valid but lack permission. Grant the user or agency read access to SWR Enterprise (for example the SWR ReadOnlyAccess policy) on this instance's project.")
		if e.EncodedAuthorizationMessage != "" {
			fmt.Fprintf(&b, "\n\nThe API sent an encoded denial reason; decode it with the STS decode-authorization-message call to see which permission is missing:\n%s", e.EncodedAuthorizationMessage)
		}
	case e.StatusCode == http.StatusNotFound:
		summary = "Not found: " + subject
		fmt.Fprintf(&b, "\n\nCheck %s, and that the project and region are the instance's.", notFoundHint)
	case e.StatusCode == http.StatusTooManyRequests:
		summary = e.Service.String() + " throttled the requests"
		fmt.Fprintf(&b, "\n\nIt kept refusing requests for exceeding its rate limit, after %d attempts. Run again later, raise max_retries, or lower max_requests_in_flight (the whole run) or max_concurrent_requests (each listing).", e.Attempts)
	case e.StatusCode >= 500:
		summary = strings.TrimSuffix(e.Service.String(), " API") + " service error"
		fmt.Fprintf(&b, "\n\nThe service failed on its side")
		if e.Attempts > 1 {
			fmt.Fprintf(&b, " on all %d attempts", e.Attempts)
		}
		b.WriteString(". Try again later; if it persists, contact Huawei Cloud support with the request id.")
	case e.StatusCode == http.StatusBadRequest:
		summary = e.Service.String() + " rejected the request"
		b.WriteString("\n\nCheck the arguments of the data source.")
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, "\n\nRequest id (for support): %s", e.RequestID)
	}
	fmt.Fprintf(&b, "\nRequest: %s %s", e.Method, e.URL)
	return diag.NewErrorDiagnostic(summary, b.String())
}
