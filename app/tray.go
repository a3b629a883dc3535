//go:build !darwin

package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/systray"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Tray is the status icon (freedesktop StatusNotifierItem over DBus on
// Linux, so it needs no GTK main loop of its own; Windows native).
type Tray struct {
	app      *App
	ctx      context.Context
	started  atomic.Bool // the menu exists (whether or not a panel shows it)
	quitting atomic.Bool
	end      func()
	once     sync.Once

	open, approvals, punch, sync, pause, quit *systray.MenuItem
	paused                                    atomic.Bool
}

// StartTray starts the tray with an external loop (Wails owns the main loop).
func StartTray(ctx context.Context, a *App) *Tray {
	t := &Tray{app: a, ctx: ctx}
	start, end := systray.RunWithExternalLoop(t.ready, func() {})
	t.end = end
	start()
	return t
}

func (t *Tray) ready() {
	systray.SetIcon(trayIcon)
	systray.SetTitle("Tack")
	systray.SetTooltip("Tack")
	lang := t.app.lang.Get()
	t.open = systray.AddMenuItem(tr(lang, "tray.open"), tr(lang, "tray.open.tip"))
	t.approvals = systray.AddMenuItem(tr(lang, "tray.approvals", 0), tr(lang, "tray.approvals.tip"))
	t.punch = systray.AddMenuItem(tr(lang, "tray.punch"), tr(lang, "tray.punch.tip"))
	// Sync status and pause come from the sync facade; while no engine runs
	// they stay disabled rather than pretending (see syncMenu).
	t.sync = systray.AddMenuItem(tr(lang, "sync.not_running"), tr(lang, "tray.sync.tip"))
	t.sync.Disable()
	t.pause = systray.AddMenuItem(tr(lang, "sync.pause"), tr(lang, "tray.pause.tip"))
	t.pause.Disable()
	systray.AddSeparator()
	t.quit = systray.AddMenuItem(tr(lang, "tray.quit"), tr(lang, "tray.quit.tip"))
	t.started.Store(true)
	go t.loop(t.open, t.quit)
	t.Refresh()
}

func (t *Tray) loop(open, quit *systray.MenuItem) {
	tick := time.NewTicker(time.Minute) // counts also change without events (sign-in, reads elsewhere)
	defer tick.Stop()
	for {
		select {
		case <-t.ctx.Done():
			return
		case <-tick.C:
			t.Refresh()
			go t.app.Punch.AutoCheck(t.ctx) // arriving on the office network without a reconnect
		case <-t.punch.ClickedCh:
			go t.app.Punch.Punch(t.ctx)
		case <-open.ClickedCh:
			runtime.WindowShow(t.ctx)
		case <-t.approvals.ClickedCh:
			t.app.openLink("/approvals") // in the loaded page: see navigateJS
		case <-t.sync.ClickedCh:
			t.app.openLink("/sync")
		case <-t.pause.ClickedCh:
			var err error
			if t.paused.Load() {
				err = t.app.Sync.ResumePair("")
			} else {
				err = t.app.Sync.PausePair("")
			}
			if err != nil {
				slog.Warn("desktop: tray pause/resume sync", "err", err)
			}
			t.Refresh()
		case <-quit.ClickedCh:
			t.quitting.Store(true)
			runtime.Quit(t.ctx)
		}
	}
}

// Refresh updates the counts from the server in use (quietly on errors).
// The menu is kept current even while no panel shows it: a panel started
// later (or a test reading the menu over DBus) must not see stale items.
func (t *Tray) Refresh() {
	if t == nil || !t.started.Load() {
		return
	}
	go func() {
		// The account's language may have changed in the window since the
		// menu was drawn: every item is re-titled in it.
		t.app.refreshLang(t.ctx)
		lang := t.app.lang.Get()
		t.open.SetTitle(tr(lang, "tray.open"))
		t.quit.SetTitle(tr(lang, "tray.quit"))
		t.punch.SetTitle(tr(lang, "tray.punch"))
		if n, ok := t.count("/api/v1/notifications/unread-count", "count"); ok {
			chat, _ := t.count("/api/v1/chat/unread", "total")
			tip, title := trayUnread(lang, n, chat)
			systray.SetTooltip(tip)
			systray.SetTitle(title)
		}
		if n, ok := t.count("/api/v1/approvals/counts", "todo"); ok {
			t.approvals.SetTitle(tr(lang, "tray.approvals", n))
		}
		ov, err := t.app.Sync.SyncStatus()
		it := syncMenu(lang, ov, err)
		t.sync.SetTitle(it.Status)
		t.pause.SetTitle(it.Pause)
		t.paused.Store(it.Paused)
		for _, m := range []*systray.MenuItem{t.sync, t.pause} {
			if it.Enabled {
				m.Enable()
			} else {
				m.Disable()
			}
		}
	}()
}

// count reads a number field, or the length of a list field.
func (t *Tray) count(path, field string) (int, bool) {
	resp, err := t.app.Proxy.Do(t.ctx, http.MethodGet, path)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var m map[string]json.RawMessage
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&m) != nil {
		return 0, false
	}
	var n int
	if json.Unmarshal(m[field], &n) == nil {
		return n, true
	}
	var items []json.RawMessage
	if json.Unmarshal(m[field], &items) == nil {
		return len(items), true
	}
	return 0, false
}

// Up reports whether the icon is shown: the menu exists and a panel hosts it
// now (asked at each call: a panel may start or stop while Tack runs).
// Closing the window hides it only then. Quitting is set by the Quit item.
func (t *Tray) Up() bool       { return t != nil && t.started.Load() && trayHostAvailable() }
func (t *Tray) Quitting() bool { return t != nil && t.quitting.Load() }

// Stop removes the icon.
func (t *Tray) Stop() {
	if t == nil {
		return
	}
	t.once.Do(func() { t.started.Store(false); t.end() })
}
