package app

import (
	"io"
	"net"
	"net/http"
	"strings"
)

// loopbackHosts returns the Host values a server listening on addr (a
// loopback host:port) answers to: 127.0.0.1:port, localhost:port and
// [::1]:port.
func loopbackHosts(addr string) map[string]bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	return map[string]bool{
		net.JoinHostPort("127.0.0.1", port): true,
		net.JoinHostPort("localhost", port): true,
		net.JoinHostPort("::1", port):       true,
	}
}

// hostGuard answers 421 to a request whose Host is not one of hosts. The
// workspace server listens on loopback, but a web page the user opens in a
// browser can still reach it through DNS rebinding (evil.example resolving
// to 127.0.0.1 after the page loaded): such requests carry the attacker's
// Host, so checking it keeps every other site out even though the socket is
// local.
func hostGuard(hosts map[string]bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hosts[strings.ToLower(r.Host)] {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusMisdirectedRequest)
			io.WriteString(w, `{"error":{"code":"forbidden","key":"desktop.wrong_host","message":"this workspace server answers only on its own loopback address"}}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}
