package store

import (
	"context"
	"log/slog"
	"time"
)

// Every runs fn at once and then every interval until ctx ends, logging
// (as what) an error that is not the end of ctx: the loop of every
// domain's background job (Serve), whose once-only work fn guards itself
// with WithJobLock and marker columns. It returns nil when ctx ends.
func Every(ctx context.Context, interval time.Duration, what string, fn func(context.Context) error) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			slog.Error(what, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
