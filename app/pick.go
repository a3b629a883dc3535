package app

import (
	"path/filepath"
	"sync"
	"time"

	"tack/backend/apperr"
)

// The bindings that give a page power over this computer's files take only
// a folder the user chose in the native chooser moments ago. Whatever runs
// in the window (the UI, or a script a malicious server managed to get
// there) can call every binding, but it cannot click through the OS dialog:
// Sync.AddPair on the home folder, say, needs the user to have picked the
// home folder.

// pickValid is how long a chosen folder stays usable.
const pickValid = 10 * time.Minute

var errFolderNotPicked = apperr.Invalid("desktop.folder_not_picked", "choose the folder with the Choose… button").WithField("local_path", "not_picked")

// pickedFolder is the folder last chosen in the native chooser.
type pickedFolder struct {
	mu   sync.Mutex
	path string
	at   time.Time
}

// note remembers dir as just chosen (a new choice replaces the old one).
func (p *pickedFolder) note(dir string, now time.Time) {
	p.mu.Lock()
	p.path, p.at = filepath.Clean(dir), now
	p.mu.Unlock()
}

// is reports whether dir is the folder chosen, and recently.
func (p *pickedFolder) is(dir string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return dir != "" && p.path != "" && filepath.Clean(dir) == p.path && now.Sub(p.at) < pickValid
}

// forget drops the choice once it has been used.
func (p *pickedFolder) forget() {
	p.mu.Lock()
	p.path = ""
	p.mu.Unlock()
}

// pickFolder opens the native folder chooser (a.openDir in tests) and
// remembers the folder chosen for Sync.AddPair.
func (a *App) pickFolder(title string) (string, error) {
	open := a.openDir
	if open == nil {
		open = a.nativeOpenDir
	}
	dir, err := open(title)
	if err == nil && dir != "" && a.Sync != nil {
		a.Sync.picked.note(dir, time.Now())
	}
	return dir, err
}
