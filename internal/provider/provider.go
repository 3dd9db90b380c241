// Package provider implements the swr Terraform provider with the plugin framework.
// It maps schema to internal/client calls and client errors to diagnostics; it
// knows nothing of HTTP.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
	"github.com/swr-iac/terraform-provider-swr/internal/loopback"
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
			"variable; a value in the configuration wins over the environment, and an empty string (`\"\"`, " +
			"a module's usual default) counts as unset.",
		Attributes: providerSchemaAttributes(),
	}
}

// providerSchemaAttributes are the provider's arguments, one per row of
// providerArguments.
func providerSchemaAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(providerArguments))
	for _, a := range providerArguments {
		attrs[a.name] = a.schemaAttribute()
	}
	return attrs
}

func (p *swrProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	config, diags := providerConfigValues(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value known only after apply cannot configure the provider for this plan.
	checkKnown(config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	userAgent := fmt.Sprintf("terraform-provider-swr/%s", p.version)
	if req.TerraformVersion != "" {
		userAgent += " Terraform/" + req.TerraformVersion
	}
	s := settingsFrom(config, os.Getenv)
	c := s.newClient(userAgent, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{client: c, secrets: s.Credentials.Secrets()}
	resp.DataSourceData = data
	resp.ResourceData = data
}

// newClient checks the settings and builds the client from them; every problem
// is a diagnostic on the argument at fault. It sends nothing.
func (s settings) newClient(userAgent string, diags *diag.Diagnostics) *client.Client {
	s.check(diags)
	s.checkCloud(diags)
	if diags.HasError() {
		return nil
	}
	cfg := s.Config
	if s.caCertFile != "" {
		data, err := os.ReadFile(s.caCertFile)
		if err != nil {
			diags.AddAttributeError(path.Root(client.FieldCACert), "Cannot read the CA certificate file",
				fmt.Sprintf("Reading %q (from %s) failed: %v. Point %s (or %s) at a readable PEM file.", s.caCertFile, s.source[client.FieldCACert], err, client.FieldCACert, envHint(client.FieldCACert)))
			return nil
		}
		cfg.CACertPEM = data
	}
	cfg.UserAgent = userAgent
	cfg.Logger = tfLogger{}
	c, err := client.New(cfg)
	if err != nil {
		s.addConfigErrors(diags, err)
		return nil
	}
	s.warn(diags)
	return c
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
		NewRetentionAuditDataSource,
	}
}

// plainHTTPToRemote reports whether raw is an http:// URL to a host that is not loopback.
func plainHTTPToRemote(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "http" && !loopback.Host(u.Hostname())
}
