package syncagent

import (
	"io/fs"
	"sort"
	"strings"
)

// The scanner records a skipped path in scanResult.Skip as "reason: detail"
// (reason one of the Skip* codes, or "case clash"), so reconcile leaves the
// path alone and the pass can list it in the status.

// skipText is the scanResult.Skip value for a reason and its detail.
func skipText(reason, detail string) string { return reason + ": " + detail }

// skipItem parses a scanResult.Skip value; ok is false for case clashes
// (reported as PairStatus.Clashes).
func skipItem(p, why string) (SkippedItem, bool) {
	reason, detail, _ := strings.Cut(why, ": ")
	switch reason {
	case SkipUnreadable, SkipLocked, SkipSymlink, SkipSpecial:
		return SkippedItem{Path: p, Reason: reason, Detail: detail}, true
	case "case clash":
		return SkippedItem{}, false
	}
	return SkippedItem{Path: p, Reason: SkipUnreadable, Detail: why}, true
}

// readFailure is the Skip value of a file that could not be read.
func readFailure(err error) string {
	if isLockedErr(err) {
		return skipText(SkipLocked, err.Error())
	}
	return skipText(SkipUnreadable, err.Error())
}

// notSynced is the Skip value of a directory entry that is neither a file
// nor a directory.
func notSynced(mode fs.FileMode) string {
	if mode&fs.ModeSymlink != 0 {
		return skipText(SkipSymlink, "symbolic links are not followed")
	}
	return skipText(SkipSpecial, "not a regular file ("+mode.Type().String()+")")
}

// sortSkipped orders the list by path for a stable display.
func sortSkipped(s []SkippedItem) {
	sort.Slice(s, func(i, j int) bool { return s[i].Path < s[j].Path })
}
