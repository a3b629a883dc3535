package syncagent

import "time"

// deleteWindow: file deletes done within this long count together against
// the mass-delete limits, so a folder emptied a few hundred files at a time
// (a slow `rm -r`, a colleague clearing a drive folder page by page) still
// asks once it adds up.
var deleteWindow = time.Minute

type deleteLog struct {
	at time.Time
	n  int
}

// checkDeletes applies the mass-delete safety to a plan: deleting more than
// DeleteLimit files, or more than DeleteRatio of the pair's files, waits for
// ConfirmDeletes. It returns how many deletes it held (plan.Deletes is then
// emptied) and whether it deferred them to a full pass instead.
//
// Only a full pass decides. A pass over the paths of a few watch events or
// one feed page sees one slice of a big delete, each slice under the limits,
// so its deletes wait for a full pass (soon after, by the retry) that sees
// the whole of it.
func (r *pairRunner) checkDeletes(plan *plan, files int, full, confirmed bool) (held int, deferred bool) {
	n := plan.DeleteFiles
	if n == 0 {
		return 0, false
	}
	if confirmed {
		return 0, false // the user said yes to these; they do not count later
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !full {
		plan.Deletes = nil
		return 0, true
	}
	now := r.e.opts.Clock.Now()
	var recent int
	r.deletes, recent = inWindow(r.deletes, now)
	o := r.e.opts
	if all := n + recent; all > o.DeleteLimit || (all >= o.DeleteRatioMin && float64(all) > o.DeleteRatio*float64(files+recent)) {
		plan.Deletes = nil
		return n, false
	}
	r.deletes = append(r.deletes, deleteLog{at: now, n: n})
	return 0, false
}

// inWindow drops the entries of log older than deleteWindow (in place) and
// sums what is left: the recent deletes or overwrites a new one adds to.
func inWindow(log []deleteLog, now time.Time) ([]deleteLog, int) {
	recent := 0
	kept := log[:0]
	for _, d := range log {
		if now.Sub(d.at) < deleteWindow {
			kept = append(kept, d)
			recent += d.n
		}
	}
	return kept, recent
}

// overwriteLog: content overwrites done recently (guarded by r.mu), for the
// mass-overwrite window.
type overwriteLog = deleteLog

// isOverwrite: an upload that replaces the content of a file already backed
// up (not a new file, not a file only the drive changed).
func isOverwrite(a action) bool {
	return a.Kind == actUpload && a.Base != nil && !a.Base.Dir && a.Base.Hash != "" && a.Remote != nil && !a.Remote.Dir &&
		a.Local != nil && a.Local.Hash != a.Base.Hash
}

// checkOverwrites applies the mass-overwrite safety to a plan: new content
// for more than OverwriteLimit files, or for more than OverwriteRatio of the
// pair's files (and at least OverwriteRatioMin), within deleteWindow, is what
// ransomware does to a folder; those uploads wait for ConfirmOverwrites and
// the drive keeps every file's previous version as it is. It returns how
// many uploads it held (they are taken out of the plan).
//
// Unlike deletes, a partial pass decides too: an everyday save must reach
// the drive at once, and the window adds the slices of a big overwrite up.
func (r *pairRunner) checkOverwrites(plan *plan, files int, confirmed bool) int {
	n := 0
	for _, a := range plan.Transfers {
		if isOverwrite(a) {
			n++
		}
	}
	if n == 0 {
		return 0
	}
	if confirmed {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.e.opts.Clock.Now()
	var recent int
	r.overwrites, recent = inWindow(r.overwrites, now)
	o := r.e.opts
	// While a mass overwrite is held, every overwrite waits with it: the
	// program rewriting the folder may touch a held file again, and one file
	// at a time must not slip through.
	holding := r.status.PendingOverwrite > 0
	if all := n + recent; holding || all > o.OverwriteLimit || (all >= o.OverwriteRatioMin && float64(all) > o.OverwriteRatio*float64(files)) {
		keep := plan.Transfers[:0]
		for _, a := range plan.Transfers {
			if !isOverwrite(a) {
				keep = append(keep, a)
			}
		}
		plan.Transfers = keep
		return n
	}
	r.overwrites = append(r.overwrites, overwriteLog{at: now, n: n})
	return 0
}
