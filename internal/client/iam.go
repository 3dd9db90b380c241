package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// GlobalIAMEndpoint is the IAM endpoint of the official SDK for a region its
// table does not list.
const GlobalIAMEndpoint = "https://iam.myhuaweicloud.com"

// regionalIAMEndpoints is the official SDK's (v0.1.207) table of IAM endpoints:
// core/auth/internal/iam_endpoint.go, plus eu-west-101, which the SDK's IAM
// service table (services/iam/v3/region) puts on the European cloud. Any other
// region uses GlobalIAMEndpoint, as the SDK does.
var regionalIAMEndpoints = map[string]string{
	"cn-north-1": "https://iam.cn-north-1.myhuaweicloud.com", "cn-north-2": "https://iam.cn-north-2.myhuaweicloud.com",
	"cn-north-4": "https://iam.cn-north-4.myhuaweicloud.com", "cn-north-9": "https://iam.cn-north-9.myhuaweicloud.com",
	"cn-north-12": "https://iam.cn-north-12.myhuaweicloud.com", "cn-east-2": "https://iam.cn-east-2.myhuaweicloud.com",
	"cn-east-3": "https://iam.cn-east-3.myhuaweicloud.com", "cn-east-4": "https://iam.cn-east-4.myhuaweicloud.com",
	"cn-east-5": "https://iam.cn-east-5.myhuaweicloud.com", "cn-south-1": "https://iam.cn-south-1.myhuaweicloud.com",
	"cn-south-2": "https://iam.cn-south-2.myhuaweicloud.com", "cn-southwest-2": "https://iam.cn-southwest-2.myhuaweicloud.com",
	"ap-southeast-1": "https://iam.ap-southeast-1.myhuaweicloud.com", "ap-southeast-2": "https://iam.ap-southeast-2.myhuaweicloud.com",
	"ap-southeast-3": "https://iam.ap-southeast-3.myhuaweicloud.com", "ap-southeast-4": "https://iam.ap-southeast-4.myhuaweicloud.com",
	"af-south-1": "https://iam.af-south-1.myhuaweicloud.com", "sa-brazil-1": "https://iam.sa-brazil-1.myhuaweicloud.com",
	"la-south-2": "https://iam.la-south-2.myhuaweicloud.com", "la-north-2": "https://iam.la-north-2.myhuaweicloud.com",
	"na-mexico-1": "https://iam.na-mexico-1.myhuaweicloud.com", "eu-west-0": "https://iam.eu-west-0.myhuaweicloud.com",
	"eu-west-101": "https://iam.eu-west-101.myhuaweicloud.eu", "my-kualalumpur-1": "https://iam.my-kualalumpur-1.myhuaweicloud.com",
	"ru-moscow-1": "https://iam.ru-moscow-1.myhuaweicloud.com", "me-east-1": "https://iam.me-east-1.myhuaweicloud.com",
	"ae-ad-1": "https://iam.ae-ad-1.myhuaweicloud.com", "tr-west-1": "https://iam.tr-west-1.myhuaweicloud.com",
}

// DefaultIAMEndpoint is the IAM endpoint of a region as the official SDK gives
// it: the region's own when its table lists one, else GlobalIAMEndpoint.
func DefaultIAMEndpoint(region string) string {
	if endpoint, ok := regionalIAMEndpoints[region]; ok {
		return endpoint
	}
	return GlobalIAMEndpoint
}

// ProjectLookupError is a project name (the region's, or ProjectName) that
// names no project, or several, in IAM's answer. Projects are matched by name here, never taken on trust: an IAM (or a
// proxy) that ignores ?name= would otherwise hand over another region's project.
type ProjectLookupError struct {
	Name string
	// Setting is the setting the name came from: FieldRegion or FieldProjectName.
	Setting string
	Matches int
	// Others are the names of the projects IAM listed that are not Region (at
	// most maxOtherProjects, made printable).
	Others []string
	// OthersTotal is how many such projects IAM listed.
	OthersTotal int
}

// maxOtherProjects bounds the names a ProjectLookupError quotes.
const maxOtherProjects = 5

func (e *ProjectLookupError) Error() string {
	if e.Matches > 1 {
		return fmt.Sprintf("IAM has %d projects named %q; set project_id to choose one", e.Matches, e.Name)
	}
	msg := fmt.Sprintf("IAM knows no project named %q", e.Name)
	if e.OthersTotal > 0 {
		quoted := make([]string, len(e.Others))
		for i, name := range e.Others {
			quoted[i] = strconv.Quote(name)
		}
		more := ""
		if e.OthersTotal > len(e.Others) {
			more = fmt.Sprintf(" and %d more", e.OthersTotal-len(e.Others))
		}
		msg += fmt.Sprintf(" (it listed %d other project(s): %s%s, so it ignored the name filter or the account has no project there)",
			e.OthersTotal, strings.Join(quoted, ", "), more)
	}
	return msg + "; check " + e.Setting + " and iam_endpoint, or set project_id"
}

// ProjectID returns the configured project id, or looks it up once through IAM
// (GET /v3/projects?name=<project name or region>) and remembers it. Concurrent first callers share
// one lookup (single flight), each waiting only as long as its own context allows.
func (c *Client) ProjectID(ctx context.Context) (string, error) {
	if id := c.knownProjectID(); id != "" {
		return id, nil
	}
	return shared(ctx, &c.projectFlight, "project", func(ctx context.Context) (string, error) {
		if id := c.knownProjectID(); id != "" {
			return id, nil
		}
		return c.lookupProjectID(ctx)
	})
}

func (c *Client) lookupProjectID(ctx context.Context) (string, error) {
	u := endpointURL(c.iamEndpoint, IAMVersion, "projects")
	u.RawQuery = url.Values{"name": {c.projectName}}.Encode()
	fail := func(err error) error {
		return fmt.Errorf("looking up the project id of %s %q: %w", c.projectNameSetting(), c.projectName, fromIAM(err))
	}
	resp, err := c.call(ctx, http.MethodGet, u, nil, nil)
	if err != nil {
		return "", fail(err)
	}
	var body struct {
		Projects *[]struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	if err := decodeJSON(http.MethodGet, u, resp, &body); err != nil {
		return "", fail(err)
	}
	if body.Projects == nil {
		return "", fail(newResponseError(http.MethodGet, u, resp, fmt.Errorf(`%w: it has no "projects" list`, ErrNotListing)))
	}
	var ids []string
	lookupErr := &ProjectLookupError{Name: c.projectName, Setting: c.projectNameSetting()}
	for _, p := range *body.Projects {
		if p.Name == c.projectName {
			ids = append(ids, p.ID)
			continue
		}
		if lookupErr.OthersTotal++; len(lookupErr.Others) < maxOtherProjects {
			lookupErr.Others = append(lookupErr.Others, printable(p.Name))
		}
	}
	if lookupErr.Matches = len(ids); len(ids) != 1 || ids[0] == "" {
		return "", lookupErr
	}
	c.projectMu.Lock()
	c.projectID = ids[0]
	c.projectMu.Unlock()
	return ids[0], nil
}

// projectNameSetting is the setting the project's name comes from.
func (c *Client) projectNameSetting() string {
	if c.projectName != c.region {
		return FieldProjectName
	}
	return FieldRegion
}

func (c *Client) knownProjectID() string {
	c.projectMu.Lock()
	defer c.projectMu.Unlock()
	return c.projectID
}

// fetchToken gets a project-scoped IAM token with the password method
// (POST /v3/auth/tokens; the token comes in X-Subject-Token).
func (c *Client) fetchToken(ctx context.Context) (string, error) {
	scope := map[string]any{"name": c.region}
	if id := c.knownProjectID(); id != "" {
		scope = map[string]any{"id": id}
	}
	payload := map[string]any{
		"auth": map[string]any{
			"identity": map[string]any{
				"methods": []string{"password"},
				"password": map[string]any{
					"user": map[string]any{
						"name":     c.creds.UserName,
						"password": c.creds.Password,
						"domain":   map[string]any{"name": c.creds.DomainName},
					},
				},
			},
			"scope": map[string]any{"project": scope},
		},
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	// As the official SDK asks: nocatalog=true spares IAM sending (and us reading)
	// the whole service catalog with the token, and its Content-Type names the charset.
	u := endpointURL(c.iamEndpoint, IAMVersion, "auth", "tokens")
	u.RawQuery = url.Values{"nocatalog": {"true"}}.Encode()
	header := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
	resp, err := c.send(withoutAuth(ctx), http.MethodPost, u, body, header)
	if err != nil {
		return "", &TokenError{Err: fromIAM(err)}
	}
	token := resp.header.Get("X-Subject-Token")
	if token == "" {
		return "", &TokenError{Err: errors.New("IAM answered without an X-Subject-Token header")}
	}
	return token, nil
}

// TokenError is a failure to get an IAM token with the user name and password.
type TokenError struct{ Err error }

func (e *TokenError) Error() string {
	return "getting an IAM token with the user name and password: " + e.Err.Error()
}

func (e *TokenError) Unwrap() error { return e.Err }

// fromIAM marks the client error in err as one of a request to IAM, so that a
// diagnostic names IAM and not the SWR API.
func fromIAM(err error) error {
	var (
		apiErr  *APIError
		respErr *ResponseError
		reqErr  *RequestError
	)
	if errors.As(err, &apiErr) {
		apiErr.Service = ServiceIAM
	}
	if errors.As(err, &respErr) {
		respErr.Service = ServiceIAM
	}
	if errors.As(err, &reqErr) {
		reqErr.Service = ServiceIAM
	}
	return err
}
