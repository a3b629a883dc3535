package sync

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
func (r *pairRunner) checkDeletes(plan *Plan, files int, full bool) (held int, deferred bool) {
	n := plan.DeleteFiles
	if n == 0 {
		return 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.confirmed {
		return 0, false // the user said yes to these; they do not count later
	}
	if !full {
		plan.Deletes = nil
		return 0, true
	}
	now := r.e.opts.Clock.Now()
	recent := 0
	kept := r.deletes[:0]
	for _, d := range r.deletes {
		if now.Sub(d.at) < deleteWindow {
			kept = append(kept, d)
			recent += d.n
		}
	}
	r.deletes = kept
	o := r.e.opts
	if all := n + recent; all > o.DeleteLimit || (all >= o.DeleteRatioMin && float64(all) > o.DeleteRatio*float64(files+recent)) {
		plan.Deletes = nil
		return n, false
	}
	r.deletes = append(r.deletes, deleteLog{at: now, n: n})
	return 0, false
}
