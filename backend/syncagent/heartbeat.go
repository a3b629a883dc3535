package syncagent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The agent tells the server how its pairs are doing (the heartbeat), so an
// administrator sees which computers have not backed up for a day, or have a
// pair that stopped, without visiting them (backend/devices on the server).

// HeartbeatPair is one pair in a heartbeat.
type HeartbeatPair struct {
	PairID        string     `json:"pair_id"`
	LocalPath     string     `json:"local_path"`
	State         State      `json:"state"`
	Error         string     `json:"error,omitempty"`
	LastSync      *time.Time `json:"last_sync,omitempty"`
	Skipped       int        `json:"skipped"`
	PendingDelete int        `json:"pending_delete"`
}

// Heartbeat is the body of POST /api/v1/sync/devices/heartbeat.
type Heartbeat struct {
	DeviceKey string          `json:"device_key"`
	Name      string          `json:"name"`
	Client    string          `json:"client"`
	Pairs     []HeartbeatPair `json:"pairs"`
}

// SendHeartbeat reports this device's pairs to the server.
func (c *Client) SendHeartbeat(ctx context.Context, hb Heartbeat) error {
	return c.do(ctx, "POST", "/api/v1/sync/devices/heartbeat", hb, nil)
}

// deviceKey is this data dir's random device key, made on first use: the
// same agent always reports as the same device.
func deviceKey(dataDir string) (string, error) {
	p := filepath.Join(dataDir, "sync", "device-key")
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) >= 16 {
		return strings.TrimSpace(string(b)), nil
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	key := hex.EncodeToString(b[:])
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	return key, os.WriteFile(p, []byte(key+"\n"), 0o600)
}

// heartbeat builds the report from the pairs' status.
func (e *Engine) heartbeat(key string) Heartbeat {
	hb := Heartbeat{DeviceKey: key, Name: e.opts.DeviceName, Client: e.opts.ClientName, Pairs: []HeartbeatPair{}}
	for _, s := range e.Status() {
		p := HeartbeatPair{PairID: s.PairID, LocalPath: s.LocalPath, State: s.State, Error: s.Error, PendingDelete: s.PendingDelete}
		if len(p.Error) > 1000 {
			p.Error = p.Error[:1000]
		}
		if !s.LastSync.IsZero() {
			t := s.LastSync
			p.LastSync = &t
		}
		for _, it := range s.Skipped {
			if it.Reason != SkipSymlink {
				p.Skipped++
			}
		}
		hb.Pairs = append(hb.Pairs, p)
	}
	return hb
}

// heartbeatLoop reports at start (once the first passes had a moment) and
// every HeartbeatInterval until ctx ends (a pair that stops reports at once,
// by Report). A server
// without the route (404) is not asked again.
func (e *Engine) heartbeatLoop(ctx context.Context) {
	key, err := deviceKey(e.opts.DataDir)
	if err != nil {
		slog.Warn("sync: no device key, no heartbeat", "err", err)
		return
	}
	first := time.NewTimer(e.opts.HeartbeatDelay)
	defer first.Stop()
	tick := time.NewTicker(e.opts.HeartbeatInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-first.C:
		case <-tick.C:
		}
		err := e.client.SendHeartbeat(ctx, e.heartbeat(key))
		if st := statusOf(err); st == 404 || st == 405 {
			return // an older server
		}
		if err != nil && ctx.Err() == nil {
			slog.Warn("sync: heartbeat", "err", err)
		}
	}
}

// Report sends a heartbeat now and waits for it (a few seconds at most):
// when a pair stops, and after `tack sync --once`, which does not Serve.
func (e *Engine) Report() {
	key, err := deviceKey(e.opts.DataDir)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.client.SendHeartbeat(ctx, e.heartbeat(key)); err != nil && statusOf(err) != 404 {
		slog.Warn("sync: heartbeat", "err", err)
	}
}
