package cli

import (
	"strings"
	"testing"

	tsync "tack/backend/sync"
)

// TestDescribeListsRefusedNames: `tack sync` shows the drive names the agent
// refused, as the desktop settings page does.
func TestDescribeListsRefusedNames(t *testing.T) {
	line := describe(tsync.PairStatus{LocalPath: "/srv/backup", Mode: tsync.ModeMirror, State: tsync.StateSynced,
		Refused: []tsync.RefusedName{{Name: "../escape.txt", Problem: "slash"}, {Folder: "docs", Name: "CON.txt", Problem: "windows_reserved"}}})
	want := `[drive names that cannot be local file names, not synced: "../escape.txt" (slash), "CON.txt" in docs (windows_reserved)]`
	if !strings.HasSuffix(line, want) {
		t.Errorf("describe = %q, want it to end in %q", line, want)
	}
}
