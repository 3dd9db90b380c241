package loopback

import "testing"

func TestHost_LoopbackNamesAndAddresses(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"example.com": false, "localhost.example.com": false, "10.0.0.1": false, "": false, "::": false,
	} {
		if got := Host(host); got != want {
			t.Errorf("Host(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestHostPort_StripsThePort(t *testing.T) {
	for hostport, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:443": true, "localhost:1": true, "localhost": true,
		"example.com:443": false, "10.0.0.1:80": false,
	} {
		if got := HostPort(hostport); got != want {
			t.Errorf("HostPort(%q) = %v, want %v", hostport, got, want)
		}
	}
}
