// Package loopback says whether a host is this machine's: the one rule the
// provider (credentials over plain HTTP), the fake (where it may listen and
// redirect) and the tests' proxy guard (what may leave) share.
package loopback

import (
	"net"
	"strings"
)

// Host reports whether host (a name or an IP, without a port) is loopback:
// localhost in any case (host names are case-insensitive), or a loopback IP.
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HostPort is Host of the host in host:port, or of the whole when it has no port.
func HostPort(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return Host(host)
}
