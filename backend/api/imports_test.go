package api

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// httpAllowed are the backend packages that may speak HTTP themselves: this
// one, the wiring that serves it and its test server, the command line (its
// tests call a server), the sync client, which reaches the server only
// over HTTP, and the desktop updater, which downloads builds from it
// (docs/ARCHITECTURE.md, Rules).
var httpAllowed = []string{
	"tack/backend/api",
	"tack/backend/server",
	"tack/backend/server/servertest",
	"tack/backend/cli",
	"tack/backend/syncagent",
	"tack/backend/clientupdate",
}

// Domain packages know nothing of HTTP or Wails: no backend package outside
// httpAllowed imports net/http (or anything of Wails), directly or through
// another Tack package. Third-party libraries are their own business
// (excelize imports net/http for content types). Read from `go list`, so a
// new package is checked the day it is added.
func TestDomainPackagesImportNoHTTP(t *testing.T) {
	t.Parallel()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "tack/backend/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		imports[f[0]] = f[1:]
	}
	if _, ok := imports["tack/backend/org"]; !ok {
		t.Fatalf("go list did not list tack/backend/org:\n%s", out)
	}
	// speaks reports the chain by which pkg reaches HTTP or Wails through
	// Tack packages outside the allowed list ("" if it does not).
	memo := map[string]string{}
	var speaks func(pkg string) string
	speaks = func(pkg string) string {
		if chain, ok := memo[pkg]; ok {
			return chain
		}
		memo[pkg] = ""
		for _, imp := range imports[pkg] {
			if imp == "net/http" || strings.HasPrefix(imp, "net/http/") || strings.HasPrefix(imp, "github.com/wailsapp/") {
				memo[pkg] = pkg + " → " + imp
				return memo[pkg]
			}
			if _, ours := imports[imp]; ours && !slices.Contains(httpAllowed, imp) {
				if chain := speaks(imp); chain != "" {
					memo[pkg] = pkg + " → " + chain
					return memo[pkg]
				}
			}
		}
		return ""
	}
	for pkg := range imports {
		if slices.Contains(httpAllowed, pkg) {
			continue
		}
		if chain := speaks(pkg); chain != "" {
			t.Errorf("%s speaks HTTP or Wails: %s", pkg, chain)
		}
	}
}
