package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/swr-iac/terraform-provider-swr/internal/client/signer"
)

// AuthMethod names how the client authenticates.
type AuthMethod string

const (
	AuthToken    AuthMethod = "token"
	AuthAKSK     AuthMethod = "aksk"
	AuthPassword AuthMethod = "password"
)

// Credentials hold exactly one way to authenticate: Token; AccessKey and SecretKey
// (with an optional SecurityToken); or UserName, Password and DomainName.
type Credentials struct {
	Token string

	AccessKey     string
	SecretKey     string
	SecurityToken string

	UserName   string
	Password   string
	DomainName string
}

// Names of the credentials in a ConfigError, as the provider's arguments name them.
const (
	FieldToken         = "auth_token"
	FieldAccessKey     = "access_key"
	FieldSecretKey     = "secret_key"
	FieldSecurityToken = "security_token"
	FieldUserName      = "user_name"
	FieldPassword      = "password"
	FieldDomainName    = "domain_name"
)

// namedValue is a setting's value beside its name in a ConfigError.
type namedValue struct{ name, value string }

// setNames are the names of the values that are set, in order.
func setNames(values ...namedValue) []string {
	var out []string
	for _, v := range values {
		if v.value != "" {
			out = append(out, v.name)
		}
	}
	return out
}

// methodCredentials is one way to authenticate with its credentials, by name.
type methodCredentials struct {
	method AuthMethod
	values []namedValue
}

// methods are the ways to authenticate, in the order errors name them. A
// security token alone is no way to authenticate: it only qualifies an access key
// pair, so it does not make AK/SK "set" (a stale HW_SECURITY_TOKEN beside a token
// is its own error, not "two ways").
func (c Credentials) methods() []methodCredentials {
	return []methodCredentials{
		{AuthToken, []namedValue{{FieldToken, c.Token}}},
		{AuthAKSK, []namedValue{{FieldAccessKey, c.AccessKey}, {FieldSecretKey, c.SecretKey}}},
		{AuthPassword, []namedValue{{FieldUserName, c.UserName}, {FieldPassword, c.Password}, {FieldDomainName, c.DomainName}}},
	}
}

// Method tells which way the credentials authenticate. It is the one check of the
// credentials: every problem is a *ConfigError naming the setting at fault (none
// for "no credentials" and "several ways"), joined when there are several.
func (c Credentials) Method() (AuthMethod, error) {
	var methods []methodCredentials
	var set []string
	for _, m := range c.methods() {
		if names := setNames(m.values...); len(names) > 0 {
			methods = append(methods, m)
			set = append(set, names...)
		}
	}
	if c.SecurityToken != "" && c.AccessKey == "" && c.SecretKey == "" {
		return "", &ConfigError{Field: FieldSecurityToken, Values: []string{FieldSecurityToken},
			Reason: "security_token is set without access_key and secret_key: a security token only goes with the temporary access key pair it belongs to"}
	}
	switch len(methods) {
	case 0:
		return "", &ConfigError{Reason: "no credentials are set"}
	case 1:
	default:
		return "", &ConfigError{Values: set, Reason: "more than one way to authenticate is set (" + strings.Join(set, ", ") + ")"}
	}
	var errs []error
	for _, v := range methods[0].values {
		if v.value == "" {
			errs = append(errs, &ConfigError{Field: v.name, Values: set,
				Reason: fmt.Sprintf("%s but %s is not", isSet(set), v.name)})
		}
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	return methods[0].method, errors.Join(c.checkHeaderValues()...)
}

// checkHeaderValues refuses credentials that cannot go into an HTTP header: Go's
// transport would fail every request with them as a connection error.
func (c Credentials) checkHeaderValues() []error {
	var errs []error
	for _, v := range []namedValue{{FieldToken, c.Token}, {FieldAccessKey, c.AccessKey}, {FieldSecurityToken, c.SecurityToken}} {
		if i := strings.IndexFunc(v.value, isControl); i >= 0 {
			errs = append(errs, &ConfigError{Field: v.name, Values: []string{v.name},
				Reason: fmt.Sprintf("%s holds a control character (%q at byte %d), which an HTTP header cannot carry", v.name, v.value[i], i)})
		}
	}
	return errs
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Secrets lists the secret values of the credentials, for log masking.
func (c Credentials) Secrets() []string {
	var out []string
	for _, s := range []string{c.Token, c.SecretKey, c.SecurityToken, c.Password} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

type skipAuthKey struct{}

// withoutAuth marks a request that must go out unauthenticated (the IAM token
// request carries its credentials in its body).
func withoutAuth(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipAuthKey{}, true)
}

// authTransport authenticates every attempt: a token header, or an AK/SK signature
// computed afresh (a retried request needs a new X-Sdk-Date).
type authTransport struct {
	next   http.RoundTripper
	method AuthMethod
	creds  Credentials
	tokens *tokenCache // AuthPassword only
	now    func() time.Time
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if skip, _ := req.Context().Value(skipAuthKey{}).(bool); skip {
		return t.next.RoundTrip(req)
	}
	// A RoundTripper must not modify the caller's request.
	req = req.Clone(req.Context())
	switch t.method {
	case AuthToken:
		req.Header.Set("X-Auth-Token", t.creds.Token)
	case AuthPassword:
		token, err := t.tokens.get(req.Context())
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Auth-Token", token)
		noteSentToken(req.Context(), token)
	case AuthAKSK:
		body, err := requestBody(req)
		if err != nil {
			return nil, err
		}
		if err := signer.Sign(req, body, signer.Credentials{
			AccessKey:     t.creds.AccessKey,
			SecretKey:     t.creds.SecretKey,
			SecurityToken: t.creds.SecurityToken,
		}, t.now()); err != nil {
			return nil, err
		}
	}
	return t.next.RoundTrip(req)
}

// requestBody reads the body to sign through GetBody, leaving req's own body intact.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return nil, nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf []byte
	buf, err = readAllLimited(rc, 1<<20)
	return buf, err
}

// tokenCache holds the IAM token of password authentication: fetched once per
// provider instance, fetched again when the API rejects the token in use.
//
// Concurrent callers share one fetch (single flight), and each waits only as long
// as its own context allows. The fetch itself runs without the first caller's
// cancellation, so that one caller giving up does not fail the others; it is
// bounded by the client's retries and per-attempt timeout.
//
// A login IAM refused (401 or 403) is remembered: IAM lock-out policies count failed
// logins, so a wrong password is sent once per provider run, and every later caller
// gets the same error.
type tokenCache struct {
	fetch func(ctx context.Context) (string, error)

	flight  singleflight.Group
	mu      sync.Mutex
	token   string
	refused error
}

func (c *tokenCache) cached() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token, c.refused
}

func (c *tokenCache) get(ctx context.Context) (string, error) {
	if token, refused := c.cached(); refused != nil || token != "" {
		return token, refused
	}
	return shared(ctx, &c.flight, "token", func(ctx context.Context) (string, error) {
		// Another flight may have finished between cached() and this one.
		if token, refused := c.cached(); refused != nil || token != "" {
			return token, refused
		}
		token, err := c.fetch(ctx)
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			if IsStatus(err, http.StatusUnauthorized) || IsStatus(err, http.StatusForbidden) {
				c.refused = err
			}
			return "", err
		}
		c.token = token
		return token, nil
	})
}

// invalidate forgets the token failed, the one a request was sent with and the API
// rejected, but only while it is still the current token: concurrent 401s for one
// token cost one refresh, and a late 401 for an old token never discards a new one.
func (c *tokenCache) invalidate(failed string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if failed != "" && c.token == failed {
		c.token = ""
	}
}

type sentTokenKey struct{}

// withSentToken makes the auth transport note which token a call's attempts carried.
func withSentToken(ctx context.Context) (context.Context, *atomic.Pointer[string]) {
	p := new(atomic.Pointer[string])
	return context.WithValue(ctx, sentTokenKey{}, p), p
}

func noteSentToken(ctx context.Context, token string) {
	if p, ok := ctx.Value(sentTokenKey{}).(*atomic.Pointer[string]); ok {
		p.Store(&token)
	}
}

// isSet says that the names are set, with the verb that agrees with them:
// "access_key is set", "user_name and domain_name are set".
func isSet(names []string) string {
	if len(names) == 1 {
		return names[0] + " is set"
	}
	return joinAnd(names) + " are set"
}
