// Package smtptest is a small SMTP server on 127.0.0.1 for tests: it keeps
// each message it accepts and can speak TLS from the start (SMTPS) or offer
// STARTTLS, with a certificate of its own that Client trusts, and take AUTH
// PLAIN. It refuses recipients whose address starts with "unknown" for good
// (550) and those starting with "full" for now (452).
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mode is how the server secures its connections.
type Mode int

// The modes.
const (
	Plain    Mode = iota // no TLS, no STARTTLS
	StartTLS             // offers STARTTLS
	TLS                  // TLS from the first byte
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data string // as sent, dot-unstuffed, CRLF line ends
	Auth string // "user:password" when the client authenticated
	TLS  bool   // the message came over TLS
}

// Server is a running test server.
type Server struct {
	Port   int
	Client *tls.Config // trusts the server's certificate
	mode   Mode
	cert   tls.Certificate
	mu     sync.Mutex
	msgs   []Message
}

// Start runs a server until the test ends.
func Start(t testing.TB, mode Mode) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &Server{Port: ln.Addr().(*net.TCPAddr).Port, mode: mode}
	s.cert, s.Client = selfSigned(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Messages returns what was accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) serve(c net.Conn) {
	defer func() { c.Close() }()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	secure := false
	if s.mode == TLS {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{s.cert}})
		if tc.Handshake() != nil {
			return
		}
		c, secure = tc, true
	}
	r := bufio.NewReader(c)
	w := func(l string) { _, _ = c.Write([]byte(l + "\r\n")) }
	w("220 smtptest ESMTP")
	var cur Message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			w("250-smtptest")
			if s.mode == StartTLS && !secure {
				w("250-STARTTLS")
			}
			w("250 AUTH PLAIN")
		case cmd == "STARTTLS" && s.mode == StartTLS && !secure:
			w("220 go ahead")
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{s.cert}})
			if tc.Handshake() != nil {
				return
			}
			c, secure, r = tc, true, bufio.NewReader(tc)
		case strings.HasPrefix(cmd, "AUTH PLAIN "):
			raw, _ := base64.StdEncoding.DecodeString(line[len("AUTH PLAIN "):])
			parts := strings.Split(string(raw), "\x00")
			if len(parts) == 3 && parts[2] == "wrong" {
				w("535 authentication failed")
				continue
			}
			if len(parts) == 3 {
				cur.Auth = parts[1] + ":" + parts[2]
			}
			w("235 ok")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			cur.From = strings.Trim(line[len("MAIL FROM:"):], "<> ")
			w("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			to := strings.Trim(line[len("RCPT TO:"):], "<> ")
			switch {
			case strings.HasPrefix(to, "unknown"):
				w("550 5.1.1 no such mailbox")
				continue
			case strings.HasPrefix(to, "full"):
				w("452 4.2.2 mailbox full, try later")
				continue
			}
			cur.To = append(cur.To, to)
			w("250 ok")
		case cmd == "DATA":
			w("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data, cur.TLS = b.String(), secure
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = Message{Auth: cur.Auth}
			w("250 queued")
		case cmd == "QUIT":
			w("221 bye")
			return
		default:
			w("250 ok")
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a client config trusting it.
func selfSigned(t testing.TB) (tls.Certificate, *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}
