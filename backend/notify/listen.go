package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// listen holds a dedicated connection LISTENing on tack_events (the insert
// trigger NOTIFYs at commit, from any replica) and pokes wake for each
// notification. It reconnects after errors until ctx ends.
func listen(ctx context.Context, dsn string, wake chan<- struct{}) {
	for ctx.Err() == nil {
		if err := listenOnce(ctx, dsn, wake); err != nil && ctx.Err() == nil {
			slog.Warn("notify: listen", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
}

func listenOnce(ctx context.Context, dsn string, wake chan<- struct{}) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN tack_events"); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}
