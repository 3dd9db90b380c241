package installtest

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// Served is what the local registry serves of the provider: one version, its
// platforms, its files (zips, SHA256SUMS, its signature) and the signing keys it
// names. The checks change a copy (Clone) and serve that.
type Served struct {
	Version   string
	Platforms []Platform
	Files     map[string][]byte
	Sums      string // name of SHA256SUMS in Files
	Keys      []Key
}

// Platform is one download: the zip's name and the SHA-256 the registry gives
// for it (the CLI checks the zip against it, and it against SHA256SUMS).
type Platform struct {
	OS, Arch string
	Filename string
	SHA256   string
}

// Target is the platform as goreleaser and `providers lock -platform` name it.
func (p Platform) Target() string { return p.OS + "_" + p.Arch }

// Sig is the name of SHA256SUMS's signature.
func (s Served) Sig() string { return s.Sums + ".sig" }

// Clone is a copy whose files, platforms and keys can be changed freely.
func (s Served) Clone() Served {
	c := s
	c.Platforms = slices.Clone(s.Platforms)
	c.Files = maps.Clone(s.Files)
	c.Keys = slices.Clone(s.Keys)
	return c
}

// Registry is a provider registry (the provider registry protocol, providers.v1)
// over TLS on loopback, serving one Served at a time for the provider
// e2e.ProviderSource, whichever host the CLI asked for.
type Registry struct {
	srv    *httptest.Server
	mu     sync.Mutex
	served Served
}

// NewRegistry starts a registry serving s.
func NewRegistry(s Served) *Registry {
	reg := &Registry{served: s}
	reg.srv = httptest.NewTLSServer(http.HandlerFunc(reg.handle))
	return reg
}

// URL is the registry's base URL (https://127.0.0.1:port).
func (reg *Registry) URL() string { return reg.srv.URL }

// Close stops the registry.
func (reg *Registry) Close() { reg.srv.Close() }

// Serve replaces what the registry serves.
func (reg *Registry) Serve(s Served) {
	reg.mu.Lock()
	reg.served = s
	reg.mu.Unlock()
}

const providersPath = "/v1/providers/"

// HostBlocks is the CLI configuration that sends both registries' hostnames to
// the server at baseURL: `host` blocks, which the CLIs read instead of asking
// the host's /.well-known/terraform.json.
func HostBlocks(baseURL string) string {
	var b strings.Builder
	for _, h := range []string{e2e.TerraformRegistry, e2e.OpenTofuRegistry} {
		fmt.Fprintf(&b, "host %q {\n  services = {\n    \"providers.v1\" = %q\n  }\n}\n", h, baseURL+providersPath)
	}
	return b.String()
}

// WriteCertFile writes the PEM certificate of the TLS test servers (every
// httptest TLS server has the same one) for SSL_CERT_FILE.
func WriteCertFile(srv *httptest.Server, file string) error {
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
}

func (reg *Registry) handle(w http.ResponseWriter, req *http.Request) {
	reg.mu.Lock()
	s := reg.served
	reg.mu.Unlock()
	if req.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	base := "https://" + req.Host
	prefix := providersPath + e2e.ProviderSource + "/"
	switch p := req.URL.Path; {
	case p == "/.well-known/terraform.json":
		writeJSON(w, map[string]string{"providers.v1": providersPath})
	case p == prefix+"versions":
		platforms := make([]map[string]string, 0, len(s.Platforms))
		for _, pl := range s.Platforms {
			platforms = append(platforms, map[string]string{"os": pl.OS, "arch": pl.Arch})
		}
		writeJSON(w, map[string]any{"versions": []any{map[string]any{
			"version": s.Version, "protocols": []string{"6.0"}, "platforms": platforms,
		}}})
	case strings.HasPrefix(p, prefix+s.Version+"/download/"):
		osArch := strings.Split(strings.TrimPrefix(p, prefix+s.Version+"/download/"), "/")
		i := slices.IndexFunc(s.Platforms, func(pl Platform) bool { return len(osArch) == 2 && pl.OS == osArch[0] && pl.Arch == osArch[1] })
		if i < 0 {
			http.NotFound(w, req)
			return
		}
		pl := s.Platforms[i]
		keys := make([]map[string]string, 0, len(s.Keys))
		for _, k := range s.Keys {
			keys = append(keys, map[string]string{"key_id": k.ID(), "ascii_armor": string(k.Armored)})
		}
		writeJSON(w, map[string]any{
			"protocols":             []string{"6.0"},
			"os":                    pl.OS,
			"arch":                  pl.Arch,
			"filename":              pl.Filename,
			"download_url":          base + "/files/" + pl.Filename,
			"shasums_url":           base + "/files/" + s.Sums,
			"shasums_signature_url": base + "/files/" + s.Sig(),
			"shasum":                pl.SHA256,
			"signing_keys":          map[string]any{"gpg_public_keys": keys},
		})
	case strings.HasPrefix(p, "/files/"):
		data, ok := s.Files[path.Base(p)]
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
	default:
		http.NotFound(w, req)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
