package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The arguments of the huaweicloud provider's schema and the environment
// variables it reads, from huaweicloud/provider.go of
// github.com/huaweicloud/terraform-provider-huaweicloud (commit a0345b8dcc).
// Update both when that provider adds one; the guide must then place it.
var (
	huaweicloudArguments = []string{
		"region", "access_key", "secret_key", "security_token", "domain_id", "domain_name", "user_name", "user_id",
		"password", "assume_role", "assume_role_with_oidc", "project_id", "project_name", "tenant_id", "tenant_name",
		"token", "insecure", "cacert_file", "cert", "key", "agency_name", "agency_domain_name", "delegated_project",
		"auth_url", "cloud", "endpoints", "regional", "shared_config_file", "profile", "enterprise_project_id",
		"max_retries", "enable_force_new", "signing_algorithm", "skip_check_website_type", "skip_check_upgrade",
		"default_tags", "ignore_tags",
	}
	huaweicloudVariables = []string{
		"HW_REGION_NAME", "OS_REGION_NAME", "HW_ACCESS_KEY", "OS_ACCESS_KEY", "HW_SECRET_KEY", "OS_SECRET_KEY",
		"HW_SECURITY_TOKEN", "HW_DOMAIN_ID", "OS_DOMAIN_ID", "OS_USER_DOMAIN_ID", "OS_PROJECT_DOMAIN_ID",
		"HW_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME", "HW_USER_NAME",
		"OS_USERNAME", "HW_USER_ID", "OS_USER_ID", "HW_USER_PASSWORD", "OS_PASSWORD", "HW_ASSUME_ROLE_AGENCY_NAME",
		"HW_ASSUME_ROLE_DOMAIN_NAME", "HW_ASSUME_ROLE_DOMAIN_ID", "HW_ASSUME_ROLE_DURATION", "HW_ASSUME_ROLE_IDP_ID",
		"HW_ASSUME_ROLE_ID_TOKEN_FILE", "HW_ASSUME_ROLE_ID_TOKEN", "HW_PROJECT_ID", "OS_PROJECT_ID", "HW_PROJECT_NAME",
		"OS_PROJECT_NAME", "OS_TENANT_ID", "OS_TENANT_NAME", "HW_AUTH_TOKEN", "OS_AUTH_TOKEN", "HW_INSECURE",
		"OS_INSECURE", "OS_CACERT", "OS_CERT", "OS_KEY", "OS_AGENCY_NAME", "OS_AGENCY_DOMAIN_NAME",
		"OS_DELEGATED_PROJECT", "HW_AUTH_URL", "OS_AUTH_URL", "HW_CLOUD", "HW_SHARED_CONFIG_FILE", "HW_PROFILE",
		"HW_ENTERPRISE_PROJECT_ID", "HW_MAX_RETRIES", "HW_ENABLE_FORCE_NEW", "HW_SIGNING_ALGORITHM",
		"SKIP_CHECK_WEBSITE_TYPE", "SKIP_CHECK_UPGRADE",
	}
)

// The guide "Coming from the huaweicloud provider" places every argument and
// variable of the huaweicloud provider (same, named differently, or not read),
// and names every argument and variable of this provider's (providerArguments).
func TestDocs_HuaweicloudGuidePlacesEveryArgumentAndVariable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", "coming-from-huaweicloud.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	guide := string(data)
	has := func(name string) bool { return strings.Contains(guide, "`"+name+"`") }
	for _, a := range huaweicloudArguments {
		if !has(a) {
			t.Errorf("the guide does not place the huaweicloud argument %s", a)
		}
	}
	for _, v := range huaweicloudVariables {
		if !has(v) {
			t.Errorf("the guide does not place the huaweicloud variable %s", v)
		}
	}
	for _, a := range providerArguments {
		if !has(a.name) {
			t.Errorf("the guide does not name this provider's argument %s", a.name)
		}
		for _, v := range a.env {
			if !has(v) {
				t.Errorf("the guide does not name %s, which this provider reads for %s", v, a.name)
			}
		}
	}
}

// The docs say one thing about an IAM endpoint ending in /v3, the statement
// generated from client.ParseIAMEndpoint (TestDocs_GeneratedPartsAreCurrent):
// the provider takes both forms. The sentences that said otherwise, that the
// /v3 must be dropped or makes requests go to /v3/v3, are gone from every
// template and every generated page, and every page that speaks of
// HW_AUTH_URL's /v3 carries the statement.
func TestDocs_OneStatementAboutV3(t *testing.T) {
	contradicted := []string{"/v3/v3", "without the `/v3`", "**without** `/v3`", "drop the `/v3`", "without `/v3`"}
	statement := iamVersionStatement()
	for _, dir := range []string{filepath.Join("..", "..", "templates"), filepath.Join("..", "..", "docs")} {
		files := os.DirFS(dir)
		err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(files, path)
			if err != nil {
				return err
			}
			text := string(data)
			for _, c := range contradicted {
				if strings.Contains(text, c) {
					t.Errorf("%s/%s says %q, which the provider contradicts: it takes iam_endpoint with or without /v3", dir, path, c)
				}
			}
			if strings.Contains(text, "auth_url") && strings.Contains(text, "/v3`") && !strings.Contains(text, statement) {
				t.Errorf("%s/%s speaks of auth_url and /v3 without the statement %q", dir, path, statement)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
