package app

import (
	"testing"

	tsync "tack/backend/sync"
)

func TestTraySyncItems(t *testing.T) {
	if it := syncMenu(SyncOverview{}, errNoEngine); it.Enabled || it.Status != "Sync: not running" {
		t.Fatalf("no engine: %+v", it)
	}
	if it := syncMenu(SyncOverview{Overall: tsync.StateSynced}, nil); it.Enabled || it.Status != "Sync: no folders" {
		t.Fatalf("no pairs: %+v", it)
	}
	two := []tsync.PairStatus{{}, {}}
	if it := syncMenu(SyncOverview{Overall: tsync.StateSyncing, Pairs: two}, nil); !it.Enabled || it.Status != "Sync: syncing (2 folders)" || it.Pause != "Pause sync" {
		t.Fatalf("syncing: %+v", it)
	}
	if it := syncMenu(SyncOverview{Overall: tsync.StatePaused, Pairs: two}, nil); !it.Paused || it.Pause != "Resume sync" {
		t.Fatalf("paused: %+v", it)
	}
	held := []tsync.PairStatus{{PendingDelete: 120}, {}}
	if it := syncMenu(SyncOverview{Overall: tsync.StateNeedsConfirmation, Pairs: held}, nil); !it.Enabled || it.Status != "Sync: 120 deletes wait for your confirmation (open to review)" {
		t.Fatalf("held deletes: %+v", it)
	}
}
