package app

import (
	"os"
	"path/filepath"
	"testing"

	"tack/backend/apperr"
)

// The speed limit is saved on this computer, taken by the engine the agent
// starts, and changed on the running engine at once; a bad value is refused
// with a key the settings page translates and changes nothing.
func TestSyncSpeedLimitIsSavedAndApplied(t *testing.T) {
	r := startAgent(t)
	a, cfg := r.app, r.app.ConfigDir

	// Set before any engine runs: saved only.
	if prefs, err := a.Sync.Preferences(); err != nil || prefs.BandwidthKBps != 0 {
		t.Fatalf("default prefs %+v %v", prefs, err)
	}
	if err := a.Sync.SetBandwidthLimit(512); err != nil {
		t.Fatal(err)
	}
	r.signInAndWait(t)
	_, eng, err := a.Sync.current()
	if err != nil {
		t.Fatal(err)
	}
	if got := eng.BandwidthLimit(); got != 512<<10 {
		t.Fatalf("engine started with %d B/s, want %d", got, 512<<10)
	}

	// Changed while running: applied at once and saved.
	if err := a.Sync.SetBandwidthLimit(0); err != nil {
		t.Fatal(err)
	}
	if got := eng.BandwidthLimit(); got != 0 {
		t.Fatalf("limit after turning it off %d", got)
	}
	if err := a.Sync.SetBandwidthLimit(2048); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(cfg, "sync.json"))
	for _, bad := range []int64{-1, maxBandwidthKBps + 1} {
		err := a.Sync.SetBandwidthLimit(bad)
		if ae, ok := apperr.As(err); !ok || ae.Key != "desktop.bad_bandwidth" || ae.Fields["bandwidth_kbps"] != "invalid" {
			t.Fatalf("limit %d: %v", bad, err)
		}
		if b := FormatError(err).(BindingError); b.Key != "desktop.bad_bandwidth" || b.Code != "invalid" {
			t.Fatalf("binding error %+v", b)
		}
	}
	after, _ := os.ReadFile(filepath.Join(cfg, "sync.json"))
	if string(before) != string(after) || eng.BandwidthLimit() != 2048<<10 {
		t.Fatalf("a refused limit changed something: %s → %s, engine %d", before, after, eng.BandwidthLimit())
	}
	if prefs, err := LoadSyncPrefs(cfg); err != nil || prefs.BandwidthKBps != 2048 {
		t.Fatalf("saved prefs %+v %v", prefs, err)
	}
}

func TestSyncPrefsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sync.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSyncPrefs(dir); err == nil {
		t.Fatal("a broken sync.json was read as no limit")
	}
	if err := SaveSyncPrefs(dir, SyncPrefs{BandwidthKBps: 100}); err != nil {
		t.Fatal(err)
	}
	if p, err := LoadSyncPrefs(dir); err != nil || p.BandwidthKBps != 100 {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sync.json.tmp")); !os.IsNotExist(err) {
		t.Fatalf("temp file left behind: %v", err)
	}
}
