package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"tack/backend/clientupdate"
)

// ReleaseKey is the company's release public key (base64 PKIX DER, as
// `tack admin release-key` prints it), built in with
// -ldflags "-X tack/app.ReleaseKey=..." (make desktop RELEASE_PUBKEY=...).
// Empty: this client never installs a downloaded build.
var ReleaseKey string

// updateEvery is how often a running client checks its server again.
const updateEvery = 24 * time.Hour

// updates is the desktop's side of clientupdate: when to check, what to
// tell the user, and the Windows installer left to run at exit.
type updates struct {
	mu      sync.Mutex
	checked string // the server last checked (a new one is checked at once)
	// pending is a verified Windows installer to start when the client
	// quits (it replaces the running executable).
	pending     *clientupdate.Release
	pendingPath string
	// refused is the version last refused and told: said once, logged daily.
	refused string
	// info is what the window's banner shows (UpdateState).
	info UpdateInfo
}

// UpdateInfo is the update the window's banner tells about: "available"
// while a newer build downloads, "ready" once it is verified and installs
// on restart, "refused" for a build that failed its signature or is a
// downgrade; "" when there is nothing to say.
type UpdateInfo struct {
	State     string `json:"state"`
	Version   string `json:"version"`
	Changelog string `json:"changelog"`
	// Reason of a refusal: "signature" or "downgrade".
	Reason string `json:"reason,omitempty"`
}

// UpdateState is what the window shows in its update banner; the tray and
// OS notifications say the same once, the banner stays until the restart.
func (a *App) UpdateState() UpdateInfo {
	a.upd.mu.Lock()
	defer a.upd.mu.Unlock()
	return a.upd.info
}

func (a *App) setUpdate(info UpdateInfo) {
	a.upd.mu.Lock()
	a.upd.info = info
	a.upd.mu.Unlock()
}

// runUpdates checks the team server for a newer client at start (as soon
// as a server is known) and then every updateEvery.
func (a *App) runUpdates(ctx context.Context) {
	tick := time.NewTicker(syncAgentPoll)
	defer tick.Stop()
	var last time.Time
	for {
		if target := a.Proxy.Target(); target != nil {
			a.upd.mu.Lock()
			fresh := a.upd.checked != target.String()
			a.upd.mu.Unlock()
			if fresh || time.Since(last) >= updateEvery {
				last = time.Now()
				a.checkUpdate(ctx, target)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// checkUpdate runs one check, download and install against server and
// tells the user what happened: a new version (with its changes), ready
// on restart, or refused (bad signature, downgrade).
func (a *App) checkUpdate(ctx context.Context, server *url.URL) {
	a.upd.mu.Lock()
	a.upd.checked = server.String()
	a.upd.mu.Unlock()
	key, err := clientupdate.ParsePublicKey(ReleaseKey)
	if ReleaseKey == "" || err != nil {
		if err != nil && ReleaseKey != "" {
			slog.Error("desktop: the built-in release key is unusable", "err", err)
		}
		return
	}
	u := &clientupdate.Updater{Server: server, Client: &http.Client{Timeout: 30 * time.Minute}, Key: key,
		Version: a.Version, Dir: filepath.Join(a.ConfigDir, "updates"), Exe: a.exePath}
	lang := a.lang.Get()
	r, err := u.Check(ctx)
	if r == nil && err == nil {
		return
	}
	if err != nil {
		a.updateRefused(lang, r, err)
		return
	}
	a.setUpdate(UpdateInfo{State: "available", Version: r.Version, Changelog: r.Changelog})
	_ = a.Notifier.Notify(tr(lang, "update.available", r.Version), r.Changelog, "")
	path, err := u.Download(ctx, *r)
	if err != nil {
		a.updateRefused(lang, r, err)
		return
	}
	if runtime.GOOS == "windows" && r.Installer {
		a.upd.mu.Lock()
		a.upd.pending, a.upd.pendingPath = r, path
		a.upd.mu.Unlock()
	} else if err := u.Apply(*r, path); err != nil {
		slog.Error("desktop: install update", "version", r.Version, "err", err)
		_ = a.Notifier.Notify(tr(lang, "update.failed", r.Version), err.Error(), "")
		return
	}
	slog.Info("desktop: update ready", "version", r.Version)
	a.setUpdate(UpdateInfo{State: "ready", Version: r.Version, Changelog: r.Changelog})
	_ = a.Notifier.Notify(tr(lang, "update.ready", r.Version), tr(lang, "update.ready.body"), "")
}

func (a *App) updateRefused(lang string, r *clientupdate.Release, err error) {
	if !errors.Is(err, clientupdate.ErrBadSignature) && !errors.Is(err, clientupdate.ErrDowngrade) {
		slog.Warn("desktop: update check", "err", err) // offline, server down: try again later
		return
	}
	v := ""
	if r != nil {
		v = r.Version
	}
	slog.Error("desktop: update refused", "version", v, "err", err)
	reason := "signature"
	if errors.Is(err, clientupdate.ErrDowngrade) {
		reason = "downgrade"
	}
	a.setUpdate(UpdateInfo{State: "refused", Version: v, Reason: reason})
	a.upd.mu.Lock()
	told := a.upd.refused == v+"\x00"+err.Error()
	a.upd.refused = v + "\x00" + err.Error()
	a.upd.mu.Unlock()
	if told {
		return
	}
	body := tr(lang, "update.refused.signature")
	if errors.Is(err, clientupdate.ErrDowngrade) {
		body = tr(lang, "update.refused.downgrade", a.Version)
	}
	_ = a.Notifier.Notify(tr(lang, "update.refused", v), body, "")
}

// installPendingUpdate starts a downloaded Windows installer as the client
// quits (OnShutdown): silently, replacing this executable once it exits.
func (a *App) installPendingUpdate() {
	a.upd.mu.Lock()
	r, path := a.upd.pending, a.upd.pendingPath
	a.upd.mu.Unlock()
	if r == nil {
		return
	}
	u := &clientupdate.Updater{Version: a.Version}
	if err := u.Apply(*r, path); err != nil {
		slog.Error("desktop: start the update installer", "err", err)
	}
}
