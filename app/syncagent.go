package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"tack/backend/syncagent"
)

// syncAgentPoll is how often the desktop checks which server and session
// the window uses (sign-in, sign-out, switching servers).
var syncAgentPoll = 2 * time.Second

// runSyncAgent runs the folder sync engine for the server the window is
// signed in to, with the window's own session, until ctx ends. Pairs belong
// to one server (they name its folders), so each server gets its own index
// under <config dir>/sync/<server key>. Signing out or switching servers
// stops the engine; the tray and settings then say "not running".
func (a *App) runSyncAgent(ctx context.Context) {
	var (
		key  string
		stop func()
	)
	tick := time.NewTicker(syncAgentPoll)
	defer tick.Stop()
	for {
		target, token := a.Proxy.Session()
		next := ""
		if target != nil && token != "" {
			next = target.String() + "\x00" + token
		}
		if next != key {
			if stop != nil {
				stop()
				stop = nil
			}
			key = next
			if next != "" {
				var err error
				if stop, err = a.startSyncEngine(ctx, target, token); err != nil {
					slog.Error("desktop: start folder sync", "err", err)
					key = "" // try again on the next tick
				}
			}
		}
		select {
		case <-ctx.Done():
			if stop != nil {
				stop()
			}
			return
		case <-tick.C:
		}
	}
}

// startSyncEngine opens the server's index, serves it, and returns the stop
// function (cancel, wait for the passes to end, close the index).
func (a *App) startSyncEngine(ctx context.Context, target *url.URL, token string) (func(), error) {
	client := syncagent.NewClient(target.String(), token)
	prefs, err := LoadSyncPrefs(a.ConfigDir)
	if err != nil {
		slog.Warn("desktop: sync preferences unreadable, syncing without a speed limit", "err", err)
	}
	eng, err := syncagent.New(ctx, syncagent.Options{DataDir: syncDataDir(a.ConfigDir, a.connection().Mode, target), Client: client,
		UserName: a.userName(ctx), BandwidthLimit: prefs.bytesPerSec(), OnPairStopped: a.noticeStopped,
		OnSignedOut: a.noticeSignedOut, ClientName: "desktop " + a.Version})
	if err != nil {
		return nil, err
	}
	ectx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = eng.Serve(ectx)
	}()
	go func() { // status changes move the tray at once, not at its next poll
		held := map[string]int{}
		for {
			select {
			case <-ectx.Done():
				return
			case ev := <-eng.Events():
				a.tray.Refresh()
				a.noticeHeldDeletes(held, ev.Status)
			}
		}
	}()
	a.Sync.setEngine(ectx, eng)
	a.tray.Refresh()
	return func() {
		a.Sync.setEngine(nil, nil)
		cancel()
		<-done
		_ = eng.Close()
		a.tray.Refresh()
	}, nil
}

// syncDataDir is the sync data dir of one server: the same server always
// maps to the same index. The workspace on this computer listens on a new
// port at every start, so it is keyed by what it is, not by its URL.
func syncDataDir(configDir, mode string, target *url.URL) string {
	if mode == ModeLocal {
		return filepath.Join(configDir, "sync", "local-workspace")
	}
	sum := sha256.Sum256([]byte(target.String()))
	return filepath.Join(configDir, "sync", hex.EncodeToString(sum[:6]))
}

// me is what the shell needs of the signed-in account; ok is false when
// nobody is signed in or the server does not answer.
type me struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Locale string `json:"locale"`
}

func (a *App) me(ctx context.Context) (me, bool) {
	var m me
	resp, err := a.Proxy.Do(ctx, http.MethodGet, "/api/v1/me")
	if err != nil {
		return m, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&m) != nil {
		return m, false
	}
	return m, true
}

// userName is the signed-in user's display name (conflict copies of local
// edits carry it); "" when the server does not say.
func (a *App) userName(ctx context.Context) string {
	m, _ := a.me(ctx)
	return m.Name
}

// refreshLang takes the shell's language from the account (set from the
// web UI's language menu), so tray and notifications speak it too.
func (a *App) refreshLang(ctx context.Context) {
	if m, ok := a.me(ctx); ok {
		a.lang.Set(m.Locale)
	}
}

// noticeStopped raises an OS notification when a pair stops for good: the
// folder is no longer backed up, and the user must hear it now, not find
// out when a file is missing. It opens the settings page, which says why.
func (a *App) noticeStopped(st syncagent.PairStatus) {
	a.tray.Refresh()
	if a.Notifier == nil {
		return
	}
	lang := a.lang.Get()
	if err := a.Notifier.Notify(tr(lang, "notice.stopped"), tr(lang, "notice.stopped.body", st.LocalPath, st.Error), "/sync"); err != nil {
		slog.Warn("desktop: notify stopped pair", "err", err)
	}
}

// noticeHeldDeletes raises an OS notification when the engine starts holding
// a mass delete of a pair (or holds a different number): nothing moves until
// the user confirms in the settings page, which the notification opens.
// held is the count last told per pair.
func (a *App) noticeHeldDeletes(held map[string]int, st syncagent.PairStatus) {
	n := st.PendingDelete
	if n == held[st.PairID] {
		return
	}
	held[st.PairID] = n
	if n == 0 || a.Notifier == nil {
		return
	}
	lang := a.lang.Get()
	if err := a.Notifier.Notify(tr(lang, "notice.held"), tr(lang, "notice.held.body", n, st.LocalPath), "/sync"); err != nil {
		slog.Warn("desktop: notify held deletes", "err", err)
	}
}

// noticeSignedOut raises one OS notification when the server ends the sync
// agent's session (absolute lifetime, revoked): backups must not stop in
// silence. The engine calls it once; signing in again in the window gives
// a new token, which starts a new engine (runSyncAgent), so sync resumes.
func (a *App) noticeSignedOut() {
	a.tray.Refresh()
	if a.Notifier == nil {
		return
	}
	lang := a.lang.Get()
	if err := a.Notifier.Notify(tr(lang, "notice.signed_out"), tr(lang, "notice.signed_out.body"), "/"); err != nil {
		slog.Warn("desktop: notify signed out", "err", err)
	}
}
