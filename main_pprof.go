//go:build pprof

package main

import (
	"net"
	"net/http"
	_ "net/http/pprof" // the profiles on DefaultServeMux
	"os"
)

// A profiling build (go build -tags pprof, as deploy/local.sh does with
// TACK_PPROF=1) serves net/http/pprof on TACK_PPROF_ADDR, a loopback
// address of its own, never on the team server's port.
func init() {
	addr := os.Getenv("TACK_PPROF_ADDR")
	if addr == "" {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		os.Stderr.WriteString("pprof: " + err.Error() + "\n")
		return
	}
	go func() { _ = http.Serve(ln, nil) }()
}
