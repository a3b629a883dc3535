package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// connectTimeout bounds how long opening one PostgreSQL connection may take
// once it no longer follows the caller's context.
const connectTimeout = 10 * time.Second

// openPostgresPool opens a database/sql pool on pgx whose new connections are
// established independently of the request that happened to need them.
//
// database/sql dials a new connection with the context of whichever query is
// waiting for one, and pgx watches that context throughout the handshake. A
// browser that navigates away mid-request then cancels a half-built
// connection, and the pool churns dials for every abandoned request (each
// failing with "dial tcp: operation was canceled"). Worse, a pooled
// connection must never carry state left by a context that ended during its
// handshake: under load a later, healthy request once failed on PostgreSQL
// with "timeout: read tcp ...: i/o timeout". (The same error from an
// established connection was pgx's background reader keeping the timeout of
// an abandoned query for the next one; pgx v5.12 fixed it, hence go.mod's
// floor.) The query itself still follows
// its request's context, so an abandoned request stops at once; only the
// connection outlives it, ready for the next caller.
func openPostgresPool(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres dsn: %w", err)
	}
	return sql.OpenDB(detachedConnector{stdlib.GetConnector(*cfg)}), nil
}

// detachedConnector opens connections on a context that keeps the caller's
// values but not its cancellation, bounded by connectTimeout.
type detachedConnector struct{ driver.Connector }

func (c detachedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), connectTimeout)
	defer cancel()
	return c.Connector.Connect(ctx)
}
