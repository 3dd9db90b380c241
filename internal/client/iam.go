package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ProjectLookupError is a region that names no project, or several.
type ProjectLookupError struct {
	Region  string
	Matches int
}

func (e *ProjectLookupError) Error() string {
	if e.Matches == 0 {
		return fmt.Sprintf("IAM knows no project named %q; check the region or set project_id", e.Region)
	}
	return fmt.Sprintf("IAM has %d projects named %q; set project_id to choose one", e.Matches, e.Region)
}

// ProjectID returns the configured project id, or looks it up once through IAM
// (GET /v3/projects?name=<region>) and remembers it. Concurrent first callers share
// one lookup (single flight), each waiting only as long as its own context allows.
func (c *Client) ProjectID(ctx context.Context) (string, error) {
	if id := c.knownProjectID(); id != "" {
		return id, nil
	}
	ch := c.projectFlight.DoChan("project", func() (any, error) {
		if id := c.knownProjectID(); id != "" {
			return id, nil
		}
		// Not cancelled with the first caller: the other waiters still want it.
		return c.lookupProjectID(context.WithoutCancel(ctx))
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil //nolint:forcetypeassert // DoChan hands back the closure's value, always a string
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (c *Client) lookupProjectID(ctx context.Context) (string, error) {
	u := endpointURL(c.iamEndpoint, "v3", "projects")
	u.RawQuery = url.Values{"name": {c.region}}.Encode()
	resp, err := c.call(ctx, http.MethodGet, u, nil, nil)
	if err != nil {
		return "", fmt.Errorf("looking up the project id of region %q: %w", c.region, err)
	}
	var body struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	if err := decodeJSON(http.MethodGet, u, resp, &body); err != nil {
		return "", fmt.Errorf("looking up the project id of region %q: %w", c.region, err)
	}
	if len(body.Projects) != 1 || body.Projects[0].ID == "" {
		return "", &ProjectLookupError{Region: c.region, Matches: len(body.Projects)}
	}
	c.projectMu.Lock()
	c.projectID = body.Projects[0].ID
	c.projectMu.Unlock()
	return body.Projects[0].ID, nil
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
	} else if c.region == "" {
		return "", &ConfigError{Field: "region", Reason: "password authentication needs a region or a project id to scope its token"}
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
	u := endpointURL(c.iamEndpoint, "v3", "auth", "tokens")
	resp, err := c.send(withoutAuth(ctx), http.MethodPost, u, body, nil)
	if err != nil {
		return "", &TokenError{Err: err}
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
