package clientupdate

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Name patterns of the folder levels and file names; anything else in a
// request is not found (no path tricks reach the file system).
var (
	platformName = regexp.MustCompile(`^[a-z0-9]{2,16}$`)
	versionName  = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+){0,2}([-+][0-9A-Za-z.-]{1,40})?$`)
	fileName     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$`)
)

// ErrNotFound is a build or file the clients directory does not have.
var ErrNotFound = errors.New("clientupdate: no such client build")

// Catalog is the server's view of a clients directory. It reads the
// directory on every call: builds are added by copying folders in, and the
// directory holds a handful of them.
type Catalog struct {
	Dir string
}

// Latest returns the newest valid build per OS and architecture, sorted by
// OS then architecture. A folder whose release.json is missing, unreadable
// or names another platform or version is skipped.
func (c *Catalog) Latest() ([]Release, error) {
	if c == nil || c.Dir == "" {
		return []Release{}, nil
	}
	all, err := c.all()
	if err != nil {
		return nil, err
	}
	best := map[string]Release{}
	for _, r := range all {
		k := r.OS + "-" + r.Arch
		if cur, ok := best[k]; !ok || Newer(r.Version, cur.Version) {
			best[k] = r
		}
	}
	out := make([]Release, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].OS != out[j].OS {
			return out[i].OS < out[j].OS
		}
		return out[i].Arch < out[j].Arch
	})
	return out, nil
}

func (c *Catalog) all() ([]Release, error) {
	plats, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("clientupdate: clients dir: %w", err)
	}
	var out []Release
	for _, p := range plats {
		if !p.IsDir() {
			continue
		}
		vers, err := os.ReadDir(filepath.Join(c.Dir, p.Name()))
		if err != nil {
			continue
		}
		for _, v := range vers {
			r, err := c.release(p.Name(), v.Name())
			if err == nil {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// release reads <dir>/<platform>/<version>/release.json and checks it
// describes that folder.
func (c *Catalog) release(platform, version string) (Release, error) {
	if !validPlatform(platform) || !versionName.MatchString(version) {
		return Release{}, ErrNotFound
	}
	var r Release
	b, err := os.ReadFile(filepath.Join(c.Dir, platform, version, "release.json"))
	if err != nil {
		return Release{}, ErrNotFound
	}
	if json.Unmarshal(b, &r) != nil || r.OS+"-"+r.Arch != platform || r.Version != version || !fileName.MatchString(r.File) || r.File == "release.json" {
		return Release{}, ErrNotFound
	}
	if _, ok := ParseVersion(r.Version); !ok {
		return Release{}, ErrNotFound
	}
	r.URL = "/api/v1/clients/" + r.OS + "/" + r.Arch + "/" + r.Version + "/" + r.File
	return r, nil
}

func validPlatform(p string) bool {
	osName, arch, ok := strings.Cut(p, "-")
	return ok && platformName.MatchString(osName) && platformName.MatchString(arch)
}

// Open returns the file of build osName/arch/version named file, with its
// release; the caller closes it.
func (c *Catalog) Open(osName, arch, version, file string) (*os.File, Release, error) {
	if c == nil || c.Dir == "" || !platformName.MatchString(osName) || !platformName.MatchString(arch) || !fileName.MatchString(file) {
		return nil, Release{}, ErrNotFound
	}
	r, err := c.release(osName+"-"+arch, version)
	if err != nil || r.File != file {
		return nil, Release{}, ErrNotFound
	}
	f, err := os.Open(filepath.Join(c.Dir, osName+"-"+arch, version, file))
	if err != nil {
		return nil, Release{}, ErrNotFound
	}
	return f, r, nil
}

// Publish signs the build at src with key and copies it into dir as
// <dir>/<os>-<arch>/<version>/<base name of src> with its release.json.
// An existing folder for that version is refused: a published version is
// never changed under the clients that may have downloaded it.
func Publish(dir, src string, r Release, key ed25519.PrivateKey) (Release, error) {
	if !platformName.MatchString(r.OS) || !platformName.MatchString(r.Arch) || !versionName.MatchString(r.Version) {
		return Release{}, fmt.Errorf("clientupdate: bad os/arch/version %q/%q/%q", r.OS, r.Arch, r.Version)
	}
	if _, ok := ParseVersion(r.Version); !ok {
		return Release{}, fmt.Errorf("clientupdate: version %q is not MAJOR.MINOR.PATCH", r.Version)
	}
	r.File = filepath.Base(src)
	if !fileName.MatchString(r.File) || r.File == "release.json" {
		return Release{}, fmt.Errorf("clientupdate: unusable file name %q", r.File)
	}
	folder := filepath.Join(dir, r.OS+"-"+r.Arch, r.Version)
	if _, err := os.Stat(folder); err == nil {
		return Release{}, fmt.Errorf("clientupdate: %s already exists: publish a new version instead", folder)
	}
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return Release{}, fmt.Errorf("clientupdate: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return Release{}, fmt.Errorf("clientupdate: %w", err)
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(folder, r.File))
	if err != nil {
		return Release{}, fmt.Errorf("clientupdate: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Release{}, fmt.Errorf("clientupdate: copy %s: %w", src, err)
	}
	r.Size, r.SHA256, r.URL = n, hex.EncodeToString(h.Sum(nil)), ""
	if r.Published == "" {
		r.Published = time.Now().UTC().Format(time.RFC3339)
	}
	r.Sign(key)
	b, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(folder, "release.json"), append(b, '\n'), 0o644); err != nil {
		return Release{}, fmt.Errorf("clientupdate: %w", err)
	}
	return r, nil
}
