package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tack/backend/server"
)

// selfSigned writes a certificate for 127.0.0.1 with the given serial and
// its key to dir, and returns the certificate.
func selfSigned(t *testing.T, certFile, keyFile string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "tack test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestServeTLS: with --tls-cert/--tls-key the server speaks HTTPS, the
// session cookie is Secure, and a renewed certificate is served to new
// connections without a restart (a half-written renewal keeps the old one).
func TestServeTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := selfSigned(t, certFile, keyFile, 1)
	srv, err := server.New(context.Background(), server.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(dir, "data"),
		TLSCert: certFile, TLSKey: keyFile}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { stop(); <-done })
	if srv.Scheme() != "https" {
		t.Fatalf("scheme %q", srv.Scheme())
	}
	base := "https://" + ln.Addr().String()

	pool := x509.NewCertPool()
	pool.AddCert(first)
	// A fresh connection per request, so each sees the certificate served now.
	client := func() *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/setup", strings.NewReader(`{"company_name":"TLS Co","admin":{"name":"Admin",
		"email":"admin@tls.test","password":"password123","phone":"13800000000","title":"Admin"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Tack-Request", "1")
	resp, err := client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("setup over TLS: %d", resp.StatusCode)
	}
	var secure bool
	for _, c := range resp.Cookies() {
		if c.Name == "tack_session" {
			secure = c.Secure && c.HttpOnly
		}
	}
	if !secure {
		t.Fatalf("session cookie over TLS not Secure: %v", resp.Header.Values("Set-Cookie"))
	}

	serial := func() int64 {
		t.Helper()
		resp, err := client().Get(base + "/api/v1/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.TLS.PeerCertificates[0].SerialNumber.Int64()
	}
	if s := serial(); s != 1 {
		t.Fatalf("serial %d, want 1", s)
	}

	// A renewal caught halfway (a new certificate, the old key): the
	// server keeps serving the pair it has.
	keyBefore, _ := os.ReadFile(keyFile)
	second := selfSigned(t, certFile, keyFile, 2)
	pool.AddCert(second)
	keyAfter, _ := os.ReadFile(keyFile)
	if err := os.WriteFile(keyFile, keyBefore, 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	_ = os.Chtimes(certFile, later, later)
	if s := serial(); s != 1 {
		t.Fatalf("half-renewed: serial %d, want the old 1", s)
	}
	// The key arrives: the next connection gets the new certificate.
	if err := os.WriteFile(keyFile, keyAfter, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(keyFile, later.Add(time.Second), later.Add(time.Second))
	if s := serial(); s != 2 {
		t.Fatalf("after renewal: serial %d, want 2", s)
	}
}

// TestTLSConfigRefused: half a pair or an unreadable pair stops the server
// at start.
func TestTLSConfigRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	selfSigned(t, certFile, keyFile, 1)
	for name, cfg := range map[string]server.Config{
		"cert without key": {TLSCert: certFile},
		"key without cert": {TLSKey: keyFile},
		"missing file":     {TLSCert: certFile, TLSKey: filepath.Join(dir, "nope.pem")},
		"key is the cert":  {TLSCert: certFile, TLSKey: certFile},
	} {
		cfg.Addr, cfg.DataDir = "127.0.0.1:0", filepath.Join(t.TempDir(), "data")
		if srv, err := server.New(context.Background(), cfg, nil, nil); err == nil {
			_ = srv.Close()
			t.Errorf("%s: the server started", name)
		}
	}
}
