package proxyguard

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A request for a remote host, plain or through CONNECT, is refused and
// recorded; one for loopback passes and is not.
func TestGuard_RefusesAndRecordsOnlyWhatWouldLeaveLoopback(t *testing.T) {
	g, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("fake")) }))
	defer backend.Close()
	proxyURL, _ := url.Parse(g.URL)
	// Proxy every host, loopback included, to exercise both paths.
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}

	resp, err := c.Get(backend.URL)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("loopback through the guard: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, remote := range []string{"http://swr-api.cn-north-4.myhuaweicloud.com/v2", "https://swr-api.attacker.example:8443/x"} {
		resp, err := c.Get(remote)
		if err == nil {
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", remote, resp.StatusCode)
			}
			resp.Body.Close()
		}
	}
	got := strings.Join(g.Refused(), "; ")
	if got != "GET swr-api.cn-north-4.myhuaweicloud.com; CONNECT swr-api.attacker.example:8443" {
		t.Errorf("refused %q", got)
	}
}
