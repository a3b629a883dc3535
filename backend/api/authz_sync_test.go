package api_test

import (
	"net/http"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

type deviceList struct {
	Items []struct {
		ID           string     `json:"id"`
		UserID       string     `json:"user_id"`
		UserName     string     `json:"user_name"`
		Name         string     `json:"name"`
		Behind       bool       `json:"behind"`
		Stopped      int        `json:"stopped"`
		Skipped      int        `json:"skipped"`
		LastBackupAt *time.Time `json:"last_backup_at"`
		DeviceKey    string     `json:"device_key"`
		Pairs        []struct {
			PairID   string     `json:"pair_id"`
			State    string     `json:"state"`
			LastSync *time.Time `json:"last_sync"`
		} `json:"pairs"`
	} `json:"items"`
}

func heartbeat(key, name string, pairs ...map[string]any) map[string]any {
	if pairs == nil {
		pairs = []map[string]any{}
	}
	return map[string]any{"device_key": key, "name": name, "client": "desktop", "pairs": pairs}
}

// The sync device routes: anyone signed in reports for their own account
// only (the same device key from another account is another device, never
// an overwrite); only admins list the devices; a bad heartbeat is a field
// error and stores nothing. Runs on SQLite and PostgreSQL.
func TestAuthzSyncDevices(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		bob, bobT := e.NewUser(admin, "")
		alice, aliceT := e.NewUser(admin, "")
		now := e.Clock.Now()

		if r := e.Do("POST", "/api/v1/sync/devices/heartbeat", "", heartbeat("laptop-key-1", "x")); r.Status != http.StatusUnauthorized {
			t.Fatalf("heartbeat without a session: %d", r.Status)
		}
		e.Must(http.StatusOK, "POST", "/api/v1/sync/devices/heartbeat", aliceT, heartbeat("laptop-key-1", "alice-pc",
			map[string]any{"pair_id": "p1", "local_path": "/home/alice/Docs", "state": "synced", "last_sync": now.Add(-time.Hour)}))
		// Bob reports with alice's device key: his own device, hers untouched.
		e.Must(http.StatusOK, "POST", "/api/v1/sync/devices/heartbeat", bobT, heartbeat("laptop-key-1", "bob-pc",
			map[string]any{"pair_id": "p9", "local_path": "C:/Users/bob", "state": "stopped", "error": "sync: load index: primary key required"}))

		for _, tok := range []string{bobT, aliceT} {
			r := e.Do("GET", "/api/v1/sync/devices", tok, nil)
			if r.Status != http.StatusForbidden || !errorShape(r.Status, r.Body) {
				t.Fatalf("a member lists the devices: %d %s", r.Status, r.Body)
			}
		}
		var all deviceList
		e.Must(http.StatusOK, "GET", "/api/v1/sync/devices", admin, nil).JSON(t, &all)
		if len(all.Items) != 2 {
			t.Fatalf("devices %+v", all.Items)
		}
		byUser := map[string]int{}
		for i, d := range all.Items {
			byUser[d.UserID] = i
			if d.DeviceKey != "" {
				t.Fatal("the device key is a secret of the agent: never listed")
			}
		}
		a, b := all.Items[byUser[alice.ID]], all.Items[byUser[bob.ID]]
		if a.Name != "alice-pc" || a.UserName != alice.Name || a.Behind || a.LastBackupAt == nil {
			t.Fatalf("alice's device %+v", a)
		}
		if b.Name != "bob-pc" || !b.Behind || b.Stopped != 1 || b.Pairs[0].State != "stopped" {
			t.Fatalf("bob's device %+v", b)
		}
		var behind deviceList
		e.Must(http.StatusOK, "GET", "/api/v1/sync/devices?behind=1", admin, nil).JSON(t, &behind)
		if len(behind.Items) != 1 || behind.Items[0].UserID != bob.ID {
			t.Fatalf("behind %+v", behind.Items)
		}

		// A restarted agent knows no last sync yet: the server keeps the
		// one it had. A day later without a backup, alice is behind too.
		e.Must(http.StatusOK, "POST", "/api/v1/sync/devices/heartbeat", aliceT, heartbeat("laptop-key-1", "alice-pc",
			map[string]any{"pair_id": "p1", "local_path": "/home/alice/Docs", "state": "syncing"}))
		e.Clock.Advance(25 * time.Hour)
		e.Must(http.StatusOK, "GET", "/api/v1/sync/devices?behind=1", admin, nil).JSON(t, &behind)
		if len(behind.Items) != 2 {
			t.Fatalf("after a day: behind %+v", behind.Items)
		}
		for _, d := range behind.Items {
			if d.UserID == alice.ID && (d.LastBackupAt == nil || !d.LastBackupAt.Equal(now.Add(-time.Hour))) {
				t.Fatalf("alice's last backup %v, want %v", d.LastBackupAt, now.Add(-time.Hour))
			}
		}

		// Bad heartbeats: field errors, nothing stored.
		for _, bad := range []any{
			heartbeat("short", "pc"),
			heartbeat("laptop-key-2", ""),
			heartbeat("laptop-key-2", "pc", map[string]any{"pair_id": "", "state": "synced"}),
			heartbeat("laptop-key-2", "pc", map[string]any{"pair_id": "p", "state": "synced", "skipped": -1}),
		} {
			r := e.Do("POST", "/api/v1/sync/devices/heartbeat", bobT, bad)
			if code, key, fields := r.ErrorCode(); r.Status != http.StatusBadRequest || code != "invalid" || key != "sync.heartbeat_invalid" || len(fields) == 0 {
				t.Fatalf("bad heartbeat %v: %d %s", bad, r.Status, r.Body)
			}
		}
		e.Must(http.StatusOK, "GET", "/api/v1/sync/devices", admin, nil).JSON(t, &all)
		if len(all.Items) != 2 {
			t.Fatalf("a bad heartbeat stored a device: %+v", all.Items)
		}
	})
}
