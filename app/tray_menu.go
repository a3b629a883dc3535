package app

import (
	"tack/backend/syncagent"
)

// syncItems is what the tray's two sync items say and whether they can be
// clicked, from the sync facade's answer. Without a running engine they are
// shown disabled, not hidden, so the menu keeps its shape.
type syncItems struct {
	Status, Pause string
	Enabled       bool
	Paused        bool
}

// stateKeys name the tray's words for each overall sync state.
var stateKeys = map[syncagent.State]string{syncagent.StateSynced: "sync.state.synced", syncagent.StateSyncing: "sync.state.syncing",
	syncagent.StatePaused: "sync.state.paused", syncagent.StateNeedsConfirmation: "sync.state.confirm",
	syncagent.StateDegraded: "sync.state.degraded", syncagent.StateError: "sync.state.error", syncagent.StateStopped: "sync.state.stopped",
	syncagent.StateFolderGone: "sync.state.folder_gone", syncagent.StateSignedOut: "sync.state.signed_out"}

func syncMenu(lang string, ov SyncOverview, err error) syncItems {
	pause := tr(lang, "sync.pause")
	if err != nil {
		return syncItems{Status: tr(lang, "sync.not_running"), Pause: pause}
	}
	if len(ov.Pairs) == 0 {
		return syncItems{Status: tr(lang, "sync.no_folders"), Pause: pause}
	}
	label := string(ov.Overall)
	if k, ok := stateKeys[ov.Overall]; ok {
		label = tr(lang, k)
	}
	it := syncItems{Status: tr(lang, "sync.status", label, len(ov.Pairs)), Pause: pause, Enabled: true}
	held, stopped, skipped, overwrites := 0, 0, 0, 0
	for _, p := range ov.Pairs {
		held += p.PendingDelete
		overwrites += p.PendingOverwrite
		if p.State == syncagent.StateStopped || p.State == syncagent.StateFolderGone {
			stopped++
		}
		for _, s := range p.Skipped {
			if s.Reason != syncagent.SkipSymlink { // symlinks are skipped by design (a note on the page)
				skipped++
			}
		}
	}
	// The most urgent first; each item opens the settings page with the
	// details.
	switch {
	case ov.Overall == syncagent.StateSignedOut:
		// The session ended: nothing syncs until the user signs in again.
		it.Status = tr(lang, "sync.signed_out")
	case stopped > 0:
		it.Status = tr(lang, "sync.stopped", stopped)
	case overwrites > 0:
		// Many files changed at once (ransomware?): held until the user says yes.
		it.Status = tr(lang, "sync.overwrites", overwrites)
	case held > 0:
		// The engine holds a mass delete until the user says yes.
		it.Status = tr(lang, "sync.held", held)
	case skipped > 0:
		it.Status = tr(lang, "sync.skipped", skipped)
	}
	if ov.Overall == syncagent.StatePaused {
		it.Pause, it.Paused = tr(lang, "sync.resume"), true
	}
	return it
}
