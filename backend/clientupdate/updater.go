package clientupdate

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrDowngrade is a build that is not newer than the running client: the
// server offering it is refused, whatever its signature.
var ErrDowngrade = errors.New("clientupdate: the offered build is not newer than this client")

// ErrNoKey means the client was built without a release key: it never
// installs a downloaded build.
var ErrNoKey = errors.New("clientupdate: no release key is pinned in this client")

// maxBuild caps a download (a desktop build is some tens of MB).
const maxBuild = 512 << 20

// Updater checks one team server for a newer build of this client.
type Updater struct {
	Server  *url.URL     // the team server
	Client  *http.Client // nil: http.DefaultClient
	Key     ed25519.PublicKey
	Version string // the running client's
	OS      string // "" = runtime.GOOS
	Arch    string // "" = runtime.GOARCH
	// Dir is where downloads are staged (the config dir's "updates").
	Dir string
	// Exe is the file Apply replaces on Linux ("" = os.Executable()).
	Exe string
}

func (u *Updater) client() *http.Client {
	if u.Client != nil {
		return u.Client
	}
	return http.DefaultClient
}

func (u *Updater) platform() (string, string) {
	o, a := u.OS, u.Arch
	if o == "" {
		o = runtime.GOOS
	}
	if a == "" {
		a = runtime.GOARCH
	}
	return o, a
}

// Check asks the server for its build of this OS and architecture. It
// returns nil, nil when there is none or it is the running version; an
// offered build that is older, or not signed by Key, is an error
// (ErrDowngrade, ErrBadSignature) for the caller to report.
func (u *Updater) Check(ctx context.Context) (*Release, error) {
	if len(u.Key) != ed25519.PublicKeySize {
		return nil, ErrNoKey
	}
	ref, _ := url.Parse("/api/v1/clients")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.Server.ResolveReference(ref).String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := u.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("clientupdate: check: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("clientupdate: check: server answered %s", resp.Status)
	}
	var list struct {
		Releases []Release `json:"releases"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&list); err != nil {
		return nil, fmt.Errorf("clientupdate: check: %w", err)
	}
	if _, ok := ParseVersion(u.Version); !ok {
		return nil, nil // a development build does not update itself
	}
	o, a := u.platform()
	for _, r := range list.Releases {
		if r.OS != o || r.Arch != a {
			continue
		}
		if r.Version == u.Version {
			return nil, nil
		}
		if !Newer(r.Version, u.Version) {
			return &r, fmt.Errorf("%w: server offers %s, this is %s", ErrDowngrade, r.Version, u.Version)
		}
		if err := r.Verify(u.Key); err != nil {
			return &r, err
		}
		return &r, nil
	}
	return nil, nil
}

// Download fetches r into Dir and returns the staged file's path, after
// checking the bytes against r's size, SHA-256 and signature. A build that
// fails any check is deleted and ErrBadSignature returned.
func (u *Updater) Download(ctx context.Context, r Release) (string, error) {
	if len(u.Key) != ed25519.PublicKeySize {
		return "", ErrNoKey
	}
	if !Newer(r.Version, u.Version) {
		return "", ErrDowngrade
	}
	if err := r.Verify(u.Key); err != nil {
		return "", err
	}
	ref, err := url.Parse(r.URL)
	if err != nil || ref.IsAbs() || !strings.HasPrefix(ref.Path, "/api/v1/clients/") {
		return "", fmt.Errorf("clientupdate: build url %q is not on the team server", r.URL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.Server.ResolveReference(ref).String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := u.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("clientupdate: download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("clientupdate: download: server answered %s", resp.Status)
	}
	if err := os.MkdirAll(u.Dir, 0o700); err != nil {
		return "", fmt.Errorf("clientupdate: %w", err)
	}
	tmp, err := os.CreateTemp(u.Dir, ".download-*")
	if err != nil {
		return "", fmt.Errorf("clientupdate: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename below
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, maxBuild))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("clientupdate: download: %w", err)
	}
	if n != r.Size || hex.EncodeToString(h.Sum(nil)) != strings.ToLower(r.SHA256) {
		return "", ErrBadSignature
	}
	dst := filepath.Join(u.Dir, r.OS+"-"+r.Arch+"-"+r.Version+"-"+filepath.Base(r.File))
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("clientupdate: %w", err)
	}
	return dst, nil
}

// Apply installs the staged build at path (from Download). Linux: the
// executable is replaced by an atomic rename in its own directory, so a
// crash leaves either the old or the new build, never half of one; the
// running process keeps the old file open and the new one runs at the
// next start. Windows: the installer is started silently (/S) and detached;
// it replaces the files once this process exits. Other systems: an error.
func (u *Updater) Apply(r Release, path string) error {
	o, _ := u.platform()
	switch o {
	case "linux":
		if r.Installer {
			return fmt.Errorf("clientupdate: %s is an installer, not a Linux build", r.File)
		}
		return replaceExe(u.exe(), path)
	case "windows":
		if !r.Installer {
			return replaceExe(u.exe(), path) // rename over a running .exe fails: the caller retries at start
		}
		cmd := exec.Command(path, "/S", "/UPDATE")
		return cmd.Start()
	default:
		return fmt.Errorf("clientupdate: installing updates on %s is not supported yet (docs/desktop-release.md)", o)
	}
}

func (u *Updater) exe() string {
	if u.Exe != "" {
		return u.Exe
	}
	p, err := os.Executable()
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// replaceExe copies src next to exe (same file system, so the rename is
// atomic), makes it executable with exe's mode and renames it over exe.
func replaceExe(exe, src string) error {
	if exe == "" {
		return errors.New("clientupdate: cannot find the running executable")
	}
	st, err := os.Stat(exe)
	if err != nil {
		return fmt.Errorf("clientupdate: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("clientupdate: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(exe), "."+filepath.Base(exe)+".update-*")
	if err != nil {
		return fmt.Errorf("clientupdate: cannot write next to %s (installed for all users?): %w", exe, err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), st.Mode().Perm()|0o100)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), exe)
	}
	if err != nil {
		return fmt.Errorf("clientupdate: replace %s: %w", exe, err)
	}
	return nil
}
