package clientupdate

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Release describes one client build: release.json in its folder, and one
// entry of the downloads API.
type Release struct {
	OS        string `json:"os"`   // GOOS: linux, windows, darwin
	Arch      string `json:"arch"` // GOARCH: amd64, arm64
	Version   string `json:"version"`
	File      string `json:"file"` // base name of the build in the folder
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`    // hex
	Signature string `json:"signature"` // base64 ed25519 over signedMessage
	Changelog string `json:"changelog,omitempty"`
	Published string `json:"published,omitempty"` // RFC 3339, informative
	// Installer is true when File is an installer to run (Windows) rather
	// than the executable itself.
	Installer bool `json:"installer,omitempty"`
	// URL is where the API serves File (set by the server, not signed).
	URL string `json:"url,omitempty"`
}

// ErrBadSignature is a build whose signature, size or checksum does not
// match the pinned release key: it is never installed.
var ErrBadSignature = errors.New("clientupdate: the build's signature does not match the release key")

// signedMessage is what the release key signs: every field that decides
// what gets installed. The prefix keeps the key from signing anything else
// by accident.
func (r Release) signedMessage() []byte {
	return []byte(strings.Join([]string{"tack-client-release-v1", r.OS, r.Arch, r.Version,
		strconv.FormatInt(r.Size, 10), strings.ToLower(r.SHA256), strconv.FormatBool(r.Installer), r.File}, "\n"))
}

// Sign fills r.Signature with key's signature.
func (r *Release) Sign(key ed25519.PrivateKey) {
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, r.signedMessage()))
}

// Verify reports whether r is signed by pub.
func (r Release) Verify(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, r.signedMessage(), sig) {
		return ErrBadSignature
	}
	return nil
}

// GenerateKey writes a new release key pair: privPath (mode 0600, PKCS#8
// PEM) and pubPath (PKIX PEM). Neither file may exist yet.
func GenerateKey(privPath, pubPath string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pb, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	if err := writeNew(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), 0o600); err != nil {
		return err
	}
	return writeNew(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pb}), 0o644)
}

func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("clientupdate: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("clientupdate: write %s: %w", path, err)
	}
	return f.Close()
}

// LoadPrivateKey reads a PKCS#8 PEM ed25519 private key (openssl genpkey
// -algorithm ed25519 writes the same format).
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	block, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(block)
	if err != nil {
		return nil, fmt.Errorf("clientupdate: %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("clientupdate: %s is not an ed25519 key", path)
	}
	return priv, nil
}

// LoadPublicKey reads a PKIX PEM ed25519 public key.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	block, err := readPEM(path)
	if err != nil {
		return nil, err
	}
	return parsePublicKey(block)
}

// ParsePublicKey accepts the key as built into a client: PEM text, or the
// base64 of the PKIX DER (what fits in an -ldflags -X value).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if b, _ := pem.Decode([]byte(s)); b != nil {
		return parsePublicKey(b.Bytes)
	}
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("clientupdate: public key: %w", err)
	}
	return parsePublicKey(der)
}

// EncodePublicKey is the base64 PKIX form ParsePublicKey reads.
func EncodePublicKey(pub ed25519.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return base64.StdEncoding.EncodeToString(der)
}

func parsePublicKey(der []byte) (ed25519.PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("clientupdate: public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("clientupdate: public key is not ed25519")
	}
	return pub, nil
}

func readPEM(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("clientupdate: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("clientupdate: %s holds no PEM block", path)
	}
	return block.Bytes, nil
}
