package store

import (
	"context"
	"database/sql/driver"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A connection opened for a request that is abandoned mid-dial must still
// open, and carry nothing of that request into the pool: the next caller's
// queries work.
func TestPostgresConnectOutlivesTheRequest(t *testing.T) {
	dsn := os.Getenv("TACK_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TACK_TEST_POSTGRES_DSN must be set in CI")
		}
		t.Skip("TACK_TEST_POSTGRES_DSN not set")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	c := detachedConnector{stdlib.GetConnector(*cfg)}
	conn, err := c.Connect(gone)
	if err != nil {
		t.Fatalf("connect for an abandoned request: %v", err)
	}
	defer conn.Close()
	time.Sleep(20 * time.Millisecond) // past any deadline a cancelled handshake could have left
	if err := conn.(driver.Pinger).Ping(context.Background()); err != nil {
		t.Fatalf("next caller's ping: %v", err)
	}
	// The request's own query still stops at once.
	if err := conn.(driver.Pinger).Ping(gone); err == nil {
		t.Fatal("ping on the abandoned request's context succeeded")
	}
}
