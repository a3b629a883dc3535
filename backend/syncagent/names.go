package syncagent

import (
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"tack/backend/drive/entryname"
)

// A server is trusted with the files, not with this computer: every name it
// sends goes through the drive's own name rules (entryname) before it
// becomes part of a local path. A server that names an entry "..",
// "../autostart.desktop", "a/b", "x:stream" or "CON" (a malicious or
// compromised server, or anyone in the middle of an http:// connection)
// gets that entry refused: it is left out of the tree, so neither it nor
// anything under it is synced, and the pair's status lists it. Everything
// else keeps syncing. The executor's os.Root is the second line: no path
// at all leaves the pair folder.

// RefusedName is a drive entry the agent does not sync because its name
// cannot be a file name here.
type RefusedName struct {
	Folder  string `json:"folder"`  // pair-relative folder it is in ("" = the pair's top)
	Name    string `json:"name"`    // as received, with unprintable characters escaped
	Problem string `json:"problem"` // entryname key, translated as drive.nameProblem.* in the UI
}

// maxRefusedShown bounds the list on the status (the log has every one).
const maxRefusedShown = 50

type refusedEntry struct {
	ParentID, Name, Problem string
}

// refuseLocked records e as refused when its name breaks the rules; it
// reports whether it did. t.mu held.
func (t *remoteTree) refuseLocked(e Entry) bool {
	name := norm.NFC.String(e.Name)
	p := entryname.Problem(name)
	if p == "" {
		delete(t.refused, e.ID)
		return false
	}
	if t.refused == nil {
		t.refused = map[string]refusedEntry{}
	}
	if _, seen := t.refused[e.ID]; !seen {
		slog.Warn("sync: the server sent a name that cannot be a local file name; not synced", "entry", e.ID, "name", shownName(name), "problem", p)
	}
	t.refused[e.ID] = refusedEntry{ParentID: e.ParentID, Name: name, Problem: p}
	return true
}

// Refused lists the refused entries inside the pair folder (entries of the
// space elsewhere are another pair's business), sorted, at most
// maxRefusedShown.
func (t *remoteTree) Refused() []RefusedName {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []RefusedName
	for _, r := range t.refused {
		folder := ""
		if r.ParentID != t.rootID {
			p, ok := t.pathLocked(r.ParentID)
			if !ok {
				continue
			}
			folder = p
		}
		out = append(out, RefusedName{Folder: folder, Name: shownName(r.Name), Problem: r.Problem})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Folder != out[j].Folder {
			return out[i].Folder < out[j].Folder
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > maxRefusedShown {
		out = out[:maxRefusedShown]
	}
	return out
}

// shownName is a name safe to show: unprintable characters and invalid
// UTF-8 escaped as Go does, at most 300 bytes.
func shownName(name string) string {
	q := strconv.QuoteToGraphic(name)
	q = q[1 : len(q)-1]
	if len(q) > 300 {
		q = truncUTF8(q, 300) + "…"
	}
	return q
}

// labelForName makes a person's display name (sent by the server) fit into
// a file name, as the conflict copy's name carries it: characters the name
// rules refuse become "_", and it is kept short.
func labelForName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || strings.ContainsRune(`/\<>:"|?*`, r) {
			return '_'
		}
		return r
	}, norm.NFC.String(s))
	return strings.TrimSpace(truncUTF8(s, 64))
}

// truncUTF8 cuts s to at most n bytes on a character boundary.
func truncUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
