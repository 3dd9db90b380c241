// Package provider implements the swr Terraform provider with the plugin framework.
// It maps schema to internal/client calls and client errors to diagnostics; it
// knows nothing of HTTP.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

var _ provider.Provider = &swrProvider{}

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &swrProvider{version: version}
	}
}

type swrProvider struct {
	version string
}

// providerData is what Configure hands to the data sources.
type providerData struct {
	client  *client.Client
	secrets []string
}

func (p *swrProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "swr"
	resp.Version = p.version
}

func (p *swrProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Huawei Cloud SWR Enterprise image-retention policies and their executions. " +
			"Authenticate with exactly one of: an IAM token (`auth_token`), an access key pair " +
			"(`access_key` and `secret_key`, optionally `security_token`), or an IAM user " +
			"(`user_name`, `password` and `domain_name`). Every argument can come from an environment " +
			"variable; a value in the configuration wins over the environment.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "Region, e.g. `cn-north-4`. Builds the default endpoints and finds the project id. Environment: `HW_REGION_NAME`.",
				Optional:            true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "SWR API endpoint. Default: `https://swr-api.{region}.myhuaweicloud.com` (`myhuaweicloud.eu` for `eu-west-1*`). Environment: `SWR_ENDPOINT`.",
				Optional:            true,
			},
			"iam_endpoint": schema.StringAttribute{
				MarkdownDescription: "IAM endpoint, for tokens and the project lookup. Default: `https://iam.{region}.myhuaweicloud.com`. Environment: `HW_AUTH_URL`.",
				Optional:            true,
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Project id. When absent it is looked up once through IAM by the region name. Environment: `HW_PROJECT_ID`.",
				Optional:            true,
			},
			"auth_token": schema.StringAttribute{
				MarkdownDescription: "IAM token, sent as `X-Auth-Token`. Environment: `HW_AUTH_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Access key (AK); every request is signed with SDK-HMAC-SHA256. Environment: `HW_ACCESS_KEY` or `CLOUD_SDK_AK`.",
				Optional:            true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "Secret key (SK) of `access_key`. Environment: `HW_SECRET_KEY` or `CLOUD_SDK_SK`.",
				Optional:            true,
				Sensitive:           true,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "Security token of temporary access keys. Environment: `HW_SECURITY_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
			},
			"user_name": schema.StringAttribute{
				MarkdownDescription: "IAM user name; the provider gets a token with it once per run. Environment: `HW_USER_NAME`.",
				Optional:            true,
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password of `user_name`. Environment: `HW_USER_PASSWORD`.",
				Optional:            true,
				Sensitive:           true,
			},
			"domain_name": schema.StringAttribute{
				MarkdownDescription: "Account (domain) name of `user_name`. Environment: `HW_DOMAIN_NAME`.",
				Optional:            true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Only for test endpoints. Default `false`. Environment: `HW_INSECURE`.",
				Optional:            true,
			},
			"ca_cert_file": schema.StringAttribute{
				MarkdownDescription: "Path of a PEM file of CA certificates to trust in addition to the system's. Environment: `HW_CACERT` or `OS_CACERT`.",
				Optional:            true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after HTTP 429, 5xx (but 501) or a connection error, with exponential back-off that honours `Retry-After`. Default `5`. Environment: `HW_MAX_RETRIES`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 100)},
			},
			"max_concurrent_requests": schema.Int64Attribute{
				MarkdownDescription: "How many page requests of one listing may be in flight at once; `1` reads pages one after another. Default `4`. Environment: `SWR_MAX_CONCURRENT_REQUESTS`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 32)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one attempt of a request may take, from sending it to reading the whole answer, as a duration such as `60s` or `2m` (from `1s` to `1h`). " +
					"An attempt past it counts as a connection error and is retried (see `max_retries`); the data source's read timeout still bounds the whole read. Default `60s`. Environment: `SWR_REQUEST_TIMEOUT`.",
				Optional:   true,
				Validators: []validator.String{requestTimeoutValidator{}},
			},
			"max_requests_in_flight": schema.Int64Attribute{
				MarkdownDescription: "How many requests the provider may have in flight at once over every data source of the run together " +
					"(the CLI reads up to 10 data sources at once, each with up to `max_concurrent_requests` pages in flight). " +
					"Lower it for an API that throttles bursts. Default `10`. Environment: `SWR_MAX_REQUESTS_IN_FLIGHT`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
		},
	}
}

func (p *swrProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value known only after apply cannot configure the provider for this plan.
	for attr, v := range map[string]interface{ IsUnknown() bool }{
		"region": cfg.Region, "endpoint": cfg.Endpoint, "iam_endpoint": cfg.IAMEndpoint, "project_id": cfg.ProjectID,
		"auth_token": cfg.AuthToken, "access_key": cfg.AccessKey, "secret_key": cfg.SecretKey, "security_token": cfg.SecurityToken,
		"user_name": cfg.UserName, "password": cfg.Password, "domain_name": cfg.DomainName, "insecure": cfg.Insecure,
		"ca_cert_file": cfg.CACertFile, "max_retries": cfg.MaxRetries, "max_concurrent_requests": cfg.MaxConcurrentRequests,
		"request_timeout":        cfg.RequestTimeout,
		"max_requests_in_flight": cfg.MaxRequestsInFlight,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown SWR provider argument",
				fmt.Sprintf("The provider cannot be configured because %q is unknown until apply. "+
					"Set it to a value known at plan time (a literal, a variable or a data source that can be read at plan time), "+
					"or leave it out and set its environment variable instead.", attr))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	s := settingsFrom(cfg, os.Getenv)
	s.check(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	var caPEM []byte
	if s.caCertFile != "" {
		data, err := os.ReadFile(s.caCertFile)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("ca_cert_file"), "Cannot read the CA certificate file",
				fmt.Sprintf("Reading %q failed: %v. Point ca_cert_file (or HW_CACERT) at a readable PEM file.", s.caCertFile, err))
			return
		}
		caPEM = data
	}

	userAgent := fmt.Sprintf("terraform-provider-swr/%s", p.version)
	if req.TerraformVersion != "" {
		userAgent += " Terraform/" + req.TerraformVersion
	}
	c, err := client.New(client.Config{
		Region:                s.region,
		Endpoint:              s.endpoint,
		IAMEndpoint:           s.iamEndpoint,
		ProjectID:             s.projectID,
		Credentials:           s.credentials,
		MaxRetries:            retriesForClient(s.maxRetries),
		MaxConcurrentRequests: s.maxConcurrentRequests,
		RequestTimeout:        s.requestTimeout,
		MaxRequestsInFlight:   s.maxRequestsInFlight,
		Insecure:              s.insecure,
		CACertPEM:             caPEM,
		UserAgent:             userAgent,
		Logger:                tfLogger{},
	})
	if err != nil {
		addConfigError(&resp.Diagnostics, err)
		return
	}
	data := &providerData{client: c, secrets: s.credentials.Secrets()}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *swrProvider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}

func (p *swrProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRetentionExecutionTasksDataSource,
		NewRetentionPoliciesDataSource,
		NewRetentionExecutionsDataSource,
		NewRetentionExecutionSubTasksDataSource,
		NewInstancesDataSource,
		NewNamespacesDataSource,
	}
}

// retriesForClient maps the provider's "0 means no retry" onto the client's
// "0 means default, negative means none".
func retriesForClient(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// isLoopbackHost reports whether host (without port) is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// plainHTTPToRemote reports whether raw is an http:// URL to a host that is not loopback.
func plainHTTPToRemote(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "http" && !isLoopbackHost(u.Hostname())
}

// parseBoolEnv and parseIntEnv read optional environment values.
func parseBoolEnv(v string) (bool, error) { return strconv.ParseBool(strings.TrimSpace(v)) }
func parseIntEnv(v string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(v), 10, 64) }

type providerModel struct {
	Region                types.String `tfsdk:"region"`
	Endpoint              types.String `tfsdk:"endpoint"`
	IAMEndpoint           types.String `tfsdk:"iam_endpoint"`
	ProjectID             types.String `tfsdk:"project_id"`
	AuthToken             types.String `tfsdk:"auth_token"`
	AccessKey             types.String `tfsdk:"access_key"`
	SecretKey             types.String `tfsdk:"secret_key"`
	SecurityToken         types.String `tfsdk:"security_token"`
	UserName              types.String `tfsdk:"user_name"`
	Password              types.String `tfsdk:"password"`
	DomainName            types.String `tfsdk:"domain_name"`
	Insecure              types.Bool   `tfsdk:"insecure"`
	CACertFile            types.String `tfsdk:"ca_cert_file"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	MaxConcurrentRequests types.Int64  `tfsdk:"max_concurrent_requests"`
	RequestTimeout        types.String `tfsdk:"request_timeout"`
	MaxRequestsInFlight   types.Int64  `tfsdk:"max_requests_in_flight"`
}
