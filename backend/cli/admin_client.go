package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"tack/backend/clientupdate"
)

// runAdminReleaseKey writes a new release key pair. The private key stays
// with whoever publishes builds (never in the repository or on the team
// server); the public key is built into the clients (make RELEASE_PUBKEY=).
func runAdminReleaseKey(_ context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("release-key", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	priv := fs.String("private", "", "file to write the private key to (PEM, mode 0600; must not exist)")
	pub := fs.String("public", "", "file to write the public key to (PEM; must not exist)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *priv == "" || *pub == "" {
		return errors.New("release-key: need --private FILE and --public FILE")
	}
	if err := clientupdate.GenerateKey(*priv, *pub); err != nil {
		return err
	}
	k, err := clientupdate.LoadPublicKey(*pub)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Release key written. Build clients with:\n  make desktop RELEASE_PUBKEY=%s\n", clientupdate.EncodePublicKey(k))
	return nil
}

// runAdminSignClient signs one build and publishes it into a clients dir.
func runAdminSignClient(_ context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("sign-client", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var r clientupdate.Release
	key := fs.String("key", "", "the release key's private PEM file (tack admin release-key)")
	dir := fs.String("clients", "", "the clients directory tack serve --clients offers")
	file := fs.String("file", "", "the build: the tack binary, or the Windows installer")
	fs.StringVar(&r.Version, "version", "", "the build's version, MAJOR.MINOR.PATCH (must match what it reports)")
	fs.StringVar(&r.OS, "os", runtime.GOOS, "the build's OS (linux, windows, darwin)")
	fs.StringVar(&r.Arch, "arch", runtime.GOARCH, "the build's architecture (amd64, arm64)")
	fs.StringVar(&r.Changelog, "changelog", "", "what changed, shown to users (text; @FILE reads a file)")
	fs.BoolVar(&r.Installer, "installer", false, "the file is an installer to run silently (Windows), not the binary")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *key == "" || *dir == "" || *file == "" || r.Version == "" {
		return errors.New("sign-client: need --key, --clients, --file and --version")
	}
	if name, ok := strings.CutPrefix(r.Changelog, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("sign-client: changelog: %w", err)
		}
		r.Changelog = strings.TrimSpace(string(b))
	}
	priv, err := clientupdate.LoadPrivateKey(*key)
	if err != nil {
		return err
	}
	out, err := clientupdate.Publish(*dir, *file, r, priv)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Signed %s %s/%s %s (%d bytes, sha256 %s)\n", out.File, out.OS, out.Arch, out.Version, out.Size, out.SHA256)
	return nil
}
