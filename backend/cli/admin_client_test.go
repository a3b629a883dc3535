package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tack/backend/clientupdate"
)

// An administrator makes a release key, signs a build into a clients dir,
// and the release it writes verifies with the public key; the private key
// is never written anywhere but where they said.
func TestAdminSignClient(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	priv, pub, clients := filepath.Join(dir, "release.key"), filepath.Join(dir, "release.pub"), filepath.Join(dir, "clients")
	code, out, errOut := run("admin", "release-key", "--private", priv, "--public", pub)
	if code != 0 || !strings.Contains(out, "RELEASE_PUBKEY=") {
		t.Fatalf("release-key = %d %q %q", code, out, errOut)
	}
	if st, _ := os.Stat(priv); st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v", st.Mode())
	}
	build := filepath.Join(dir, "tack")
	os.WriteFile(build, []byte("a build"), 0o755)
	os.WriteFile(filepath.Join(dir, "changes.txt"), []byte("更快的同步\n"), 0o644)
	code, out, errOut = run("admin", "sign-client", "--key", priv, "--clients", clients, "--file", build,
		"--version", "1.4.0", "--os", "linux", "--arch", "arm64", "--changelog", "@"+filepath.Join(dir, "changes.txt"))
	if code != 0 || !strings.Contains(out, "Signed tack linux/arm64 1.4.0") {
		t.Fatalf("sign-client = %d %q %q", code, out, errOut)
	}
	var r clientupdate.Release
	b, _ := os.ReadFile(filepath.Join(clients, "linux-arm64", "1.4.0", "release.json"))
	if err := json.Unmarshal(b, &r); err != nil || r.Changelog != "更快的同步" {
		t.Fatalf("release.json = %s (%v)", b, err)
	}
	k, _ := clientupdate.LoadPublicKey(pub)
	if err := r.Verify(k); err != nil {
		t.Fatal(err)
	}
	if code, _, _ = run("admin", "sign-client", "--key", priv, "--clients", clients, "--file", build, "--version", "1.4.0", "--os", "linux", "--arch", "arm64"); code == 0 {
		t.Fatal("signing an already published version succeeded")
	}
}
