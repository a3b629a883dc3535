package app

import (
	"fmt"

	tsync "tack/backend/sync"
)

// syncItems is what the tray's two sync items say and whether they can be
// clicked, from the sync facade's answer. Without a running engine they are
// shown disabled, not hidden, so the menu keeps its shape.
type syncItems struct {
	Status, Pause string
	Enabled       bool
	Paused        bool
}

func syncMenu(ov SyncOverview, err error) syncItems {
	if err != nil {
		return syncItems{Status: "Sync: not running", Pause: "Pause sync"}
	}
	if len(ov.Pairs) == 0 {
		return syncItems{Status: "Sync: no folders", Pause: "Pause sync"}
	}
	label := map[tsync.State]string{tsync.StateSynced: "up to date", tsync.StateSyncing: "syncing", tsync.StatePaused: "paused",
		tsync.StateNeedsConfirmation: "needs confirmation", tsync.StateDegraded: "degraded", tsync.StateError: "error"}[ov.Overall]
	if label == "" {
		label = string(ov.Overall)
	}
	it := syncItems{Status: fmt.Sprintf("Sync: %s (%d folders)", label, len(ov.Pairs)), Pause: "Pause sync", Enabled: true}
	held := 0
	for _, p := range ov.Pairs {
		held += p.PendingDelete
	}
	if held > 0 {
		// The engine holds a mass delete until the user says yes; the item
		// opens the settings page where the confirmation is.
		it.Status = fmt.Sprintf("Sync: %d deletes wait for your confirmation (open to review)", held)
	}
	if ov.Overall == tsync.StatePaused {
		it.Pause, it.Paused = "Resume sync", true
	}
	return it
}
