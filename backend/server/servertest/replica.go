package servertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http/httptest"
	"net/url"
	"testing"

	"tack/backend/server"
)

// Replica starts a second server on e's database, with its own pool and
// HTTP server, as another replica of a deployment would be. Its connections
// carry application_name "<prefix>-<random>" (returned), so a test can watch
// that replica's sessions in pg_stat_activity while other tests share the
// database. It runs no background loops: the test starts the ones it tests.
func (e *Env) Replica(t testing.TB, prefix string) (*server.Server, *httptest.Server, string) {
	t.Helper()
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := prefix + "-" + hex.EncodeToString(rnd[:])
	cfg := e.Server.Config
	u, err := url.Parse(cfg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	cfg.DSN = u.String()
	b, err := server.New(context.Background(), cfg, nil, e.Clock)
	if err != nil {
		t.Fatal(err)
	}
	hb := httptest.NewServer(b.Handler())
	t.Cleanup(func() { hb.Close(); _ = b.Close() })
	return b, hb, name
}
