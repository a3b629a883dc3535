package app

import (
	"context"
	"net"
	"net/http"
	"testing"
)

// TestLocalWorkspaceRefusesForeignHost: the embedded workspace server is
// reached on loopback, but a page on evil.example can reach it too by DNS
// rebinding; its requests carry evil.example as Host and must be refused
// before they reach the API. The server's own loopback names still work.
func TestLocalWorkspaceRefusesForeignHost(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := StartLocal(ctx, t.TempDir(), nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	_, port, _ := net.SplitHostPort(l.URL.Host)
	get := func(host, path string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, l.URL.String()+path, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port, "[::1]:" + port} {
		if st := get(host, "/api/v1/healthz"); st != http.StatusOK {
			t.Errorf("Host %s: status %d, want 200", host, st)
		}
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.1:1", "localhost.evil.example:" + port, "192.168.1.5:" + port} {
		for _, path := range []string{"/api/v1/healthz", "/api/v1/setup", "/"} {
			if st := get(host, path); st != http.StatusMisdirectedRequest {
				t.Errorf("Host %q %s: status %d, want 421", host, path, st)
			}
		}
	}
}
