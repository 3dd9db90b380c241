package provider

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

// Who else reads a variable of ecosystemVariables.
const (
	huaweicloudProvider = "the huaweicloud provider"
	officialSDKs        = "the official Huawei Cloud SDKs (environment credentials)"
)

// cloudVariable is the huaweicloud provider's variable for the cloud an account
// is on (its `cloud` argument): the European site, Huawei Cloud Stack, a
// private cloud. The provider builds no endpoint from it (the SDK's tables know
// only the public sites), but checks the default endpoints against it.
const cloudVariable = "HW_CLOUD"

// publicCloud is the huaweicloud provider's default cloud: the public site,
// whose European regions live under myhuaweicloud.eu, as the default endpoints
// here do (client.DefaultEndpoint).
const publicCloud = "myhuaweicloud.com"

// ecosystemVariable is a variable that users of the huaweicloud provider or of
// the official SDKs already set, and what this provider does with it: read it
// as an argument (it is then one of that argument's env), or what effect says.
type ecosystemVariable struct {
	name     string
	readBy   string
	argument string // the argument it is read as
	effect   string // Markdown: what happens instead, when it is no argument's
}

// ecosystemVariables is the one list of these variables; the docs' table of them
// is generated from it (ecosystemTableMarkdown), and
// TestEcosystemVariables_ReadOrNamed holds it to providerArguments.
var ecosystemVariables = []ecosystemVariable{
	{name: cloudVariable, readBy: huaweicloudProvider, effect: fmt.Sprintf("Checked, not used to build endpoints: when it names a cloud other than `%s`, "+
		"a default `endpoint`, or a default `iam_endpoint` that is needed, is an error naming `%s`, so that no credentials go to the public site. "+
		"Set `endpoint` and `iam_endpoint` to your cloud's addresses.", publicCloud, cloudVariable)},
	{name: "HW_PROJECT_NAME", readBy: huaweicloudProvider, argument: client.FieldProjectName},
	{name: "OS_PROJECT_NAME", readBy: huaweicloudProvider, argument: client.FieldProjectName},
	{name: "OS_AUTH_URL", readBy: huaweicloudProvider, argument: client.FieldIAMEndpoint},
	{name: "CLOUD_SDK_AK", readBy: huaweicloudProvider, argument: client.FieldAccessKey},
	{name: "CLOUD_SDK_SK", readBy: huaweicloudProvider, argument: client.FieldSecretKey},
	{name: "HW_SECURITY_TOKEN", readBy: huaweicloudProvider, argument: client.FieldSecurityToken},
	{name: "HUAWEICLOUD_SDK_AK", readBy: officialSDKs, argument: client.FieldAccessKey},
	{name: "HUAWEICLOUD_SDK_SK", readBy: officialSDKs, argument: client.FieldSecretKey},
	{name: "HUAWEICLOUD_SDK_SECURITY_TOKEN", readBy: officialSDKs, argument: client.FieldSecurityToken},
	{name: "HUAWEICLOUD_SDK_PROJECT_ID", readBy: officialSDKs, argument: client.FieldProjectID},
}

// here says, in Markdown, what the provider does with the variable: the
// argument it is read as, after which variables, and with which others of its
// family.
func (v ecosystemVariable) here() string {
	a := providerArgumentNamed(v.argument)
	if a == nil {
		return v.effect
	}
	text := "Read as `" + a.name + "`"
	if a.family == "" {
		if before := a.variables()[:slices.Index(a.variables(), v.name)]; len(before) > 0 {
			text += ", when " + joinAnd(codeList(before)) + " " + isAre(len(before)) + " unset"
		}
		return text + "."
	}
	places := placesOf(a, v.name)
	var with []string
	for _, i := range places {
		var others []string
		for _, o := range providerArguments {
			if o.family == a.family && o.name != a.name && i < len(o.env) {
				others = append(others, "`"+o.env[i]+"`")
			}
		}
		with = append(with, joinAnd(others))
	}
	return text + ", together with " + joinWith(with, ", or with ") + " (the " + a.family + " pair comes from one place)."
}

// placesOf are the indexes of a's env that hold name.
func placesOf(a *providerArgument, name string) []int {
	var out []int
	for i, n := range a.env {
		if n == name {
			out = append(out, i)
		}
	}
	return out
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// checkCloud refuses to send credentials to a default endpoint of the public
// site while HW_CLOUD says the account is on another cloud: each default
// endpoint the client would use (the IAM one only when the project id is
// looked up or a password is exchanged) must lie on that cloud. It only
// compares host names: nothing is sent.
func (s settings) checkCloud(diags *diag.Diagnostics) {
	cloud := strings.Trim(strings.ToLower(strings.TrimSpace(s.cloud)), ".")
	if cloud == "" || cloud == publicCloud || s.Region == "" {
		return
	}
	method, _ := s.Credentials.Method()
	for _, d := range []struct {
		arg, value, def string
		used            bool
	}{
		{client.FieldEndpoint, s.Endpoint, client.DefaultEndpoint(s.Region), true},
		{client.FieldIAMEndpoint, s.IAMEndpoint, client.DefaultIAMEndpoint(s.Region), s.ProjectID == "" || method == client.AuthPassword},
	} {
		if d.value != "" || !d.used || onCloud(d.def, cloud) {
			continue
		}
		diags.AddAttributeError(path.Root(d.arg), "Default "+d.arg+" is not on the cloud "+cloudVariable+" names",
			fmt.Sprintf("%s=%q says the account is on another cloud than %s, the default %s of region %q: the credentials would go there, so nothing was sent. "+
				"Set %s (or %s) to your cloud's address, or unset %s if the account is on Huawei Cloud's public site.",
				cloudVariable, s.cloud, d.def, d.arg, s.Region, d.arg, joinOr(providerArgumentNamed(d.arg).variables()), cloudVariable))
	}
}

// onCloud says whether the URL's host is the cloud's domain or under it.
func onCloud(rawURL, cloud string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == cloud || strings.HasSuffix(host, "."+cloud)
}

// ecosystemTableMarkdown is the docs' table of ecosystemVariables.
func ecosystemTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Variable | Also read by | Here |\n| --- | --- | --- |")
	for _, v := range ecosystemVariables {
		fmt.Fprintf(&b, "\n| `%s` | %s | %s |", v.name, v.readBy, v.here())
	}
	return b.String()
}

// iamVersionStatement is the docs' one statement about an IAM endpoint that
// ends in the API version, as the huaweicloud provider's auth_url does, made
// from the rule itself (client.ParseIAMEndpoint), so that it cannot drift from
// what the provider does.
func iamVersionStatement() string {
	versioned := "https://iam.cn-north-4.myhuaweicloud.com/" + client.IAMVersion
	base, err := client.ParseIAMEndpoint(versioned)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("`iam_endpoint` (`HW_AUTH_URL`) may end in the API version `/%s`, as the huaweicloud provider's `auth_url` does, or not: "+
		"`%s` is taken as `%s`, and the provider puts `/%s` before every IAM path itself.", client.IAMVersion, versioned, base, client.IAMVersion)
}
