package server_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"tack/backend/server"
)

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
	got, err := server.ParsePrefixes(" 10.0.0.0/8, 192.168.1.5 ,::1,, 172.16.3.9/12, ::ffff:10.1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.5/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("10.1.2.3/32")}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0.1:80"} {
		if _, err := server.ParsePrefixes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestTrustProxyMeansLoopback: the old switch keeps working, as "the proxy
// runs on this machine", and trusts nothing else.
func TestTrustProxyMeansLoopback(t *testing.T) {
	t.Parallel()
	c := server.Config{TrustProxy: true, DataDir: t.TempDir()}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil { // idempotent
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || !c.TrustedProxies[0].Contains(netip.MustParseAddr("127.0.0.1")) ||
		!c.TrustedProxies[1].Contains(netip.MustParseAddr("::1")) {
		t.Fatalf("trusted %v", c.TrustedProxies)
	}
}

func TestDBConnsMustBePositive(t *testing.T) {
	for _, n := range []int{-1, 10001} {
		c := server.Config{DataDir: t.TempDir(), DBConns: n}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--db-conns") {
			t.Errorf("--db-conns %d: %v, want an error naming the flag", n, err)
		}
	}
	c := server.Config{DataDir: t.TempDir(), DBConns: 10}
	if err := c.Validate(); err != nil {
		t.Fatalf("--db-conns 10: %v", err)
	}
}
