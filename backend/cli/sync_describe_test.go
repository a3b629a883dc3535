package cli

import (
	"strings"
	"testing"

	"tack/backend/syncagent"
)

// TestDescribeListsRefusedNames: `tack sync` shows the drive names the agent
// refused, as the desktop settings page does.
func TestDescribeListsRefusedNames(t *testing.T) {
	line := describe(syncagent.PairStatus{LocalPath: "/srv/backup", Mode: syncagent.ModeMirror, State: syncagent.StateSynced,
		Refused: []syncagent.RefusedName{{Name: "../escape.txt", Problem: "slash"}, {Folder: "docs", Name: "CON.txt", Problem: "windows_reserved"}}})
	want := `[drive names that cannot be local file names, not synced: "../escape.txt" (slash), "CON.txt" in docs (windows_reserved)]`
	if !strings.HasSuffix(line, want) {
		t.Errorf("describe = %q, want it to end in %q", line, want)
	}
}
