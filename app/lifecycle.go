package app

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"tack/backend/event"
)

// startup is OnStartup: restore the saved server, start tray and events.
func (a *App) startup(ctx context.Context) {
	ctx, a.stop = context.WithCancel(ctx)
	a.ctx = ctx
	if err := a.restore(); err != nil {
		slog.Error("desktop: restore connection", "err", err)
	}
	a.tray = StartTray(ctx, a)
	w := &Watcher{Server: a.Proxy, Notifier: a.Notifier, Lang: a.lang.Get,
		OnEvent: func(typ string) {
			a.tray.Refresh()
			if typ == event.AttendanceReminder {
				go a.Punch.AutoCheck(ctx) // the reminder comes inside the window
			}
		}, OnConnect: func() {
			a.refreshLang(ctx)
			// Coming online (again) may be arriving at the office: the
			// automatic punch looks once (punch.go).
			go a.Punch.AutoCheck(ctx)
		}, Chat: &chatPrefs{}, ChatIndex: a.ChatIndex}
	go w.Run(ctx)
	go a.ChatIndex.Run(ctx)
	a.syncDone = make(chan struct{})
	go func() { defer close(a.syncDone); a.runSyncAgent(ctx) }()
	go a.runUpdates(ctx)
}

// openLink shows the window on an in-app route: what clicking an OS
// notification does.
func (a *App) openLink(link string) {
	if a.ctx == nil {
		return
	}
	runtime.WindowShow(a.ctx)
	if js, ok := navigateJS(link); ok {
		runtime.WindowExecJS(a.ctx, js)
	}
}

// domReady is OnDomReady: without a server the window shows the connect screen.
func (a *App) domReady(ctx context.Context) {
	if os.Getenv("TACK_DESKTOP_CSP_PROBE") == "1" {
		runtime.WindowExecJS(ctx, cspProbeJS)
	}
	if links := a.Launch.Links; len(links) > 0 && a.connection().Mode != ModeNone {
		a.Launch.Links = nil // once: a reload must not follow it again
		if js, ok := navigateJS(links[len(links)-1]); ok {
			runtime.WindowExecJS(ctx, js)
		}
	}
	if a.connection().Mode == ModeNone {
		runtime.WindowExecJS(ctx, `if(!location.pathname.startsWith('/desktop')){history.replaceState(null,'','/desktop/connect');location.reload()}`)
	}
}

// beforeClose is OnBeforeClose: with a tray, closing hides the window.
func (a *App) beforeClose(ctx context.Context) bool {
	if a.tray.Up() && !a.tray.Quitting() {
		runtime.WindowHide(ctx)
		return true
	}
	return false
}

// shutdown is OnShutdown: stop the workspace server and background work.
func (a *App) shutdown(ctx context.Context) {
	if a.stop != nil {
		a.stop()
	}
	if a.syncDone != nil {
		// Let a running pass record what it did in the index before exit.
		select {
		case <-a.syncDone:
		case <-time.After(10 * time.Second):
		}
	}
	a.tray.Stop()
	a.stopLocal()
	a.installPendingUpdate()
}

// indexHandler serves index.html for every non-API path (SPA routes such as
// /desktop/connect that the asset server does not find as files).
func indexHandler(ui fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ui != nil {
			if b, err := fs.ReadFile(ui, "index.html"); err == nil {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write(b)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(placeholderHTML))
	})
}

const placeholderHTML = `<!doctype html><html><head><meta charset="utf-8"><title>Tack</title></head>
<body style="font-family:sans-serif;background:#f5f7fa;color:#303133;display:flex;align-items:center;justify-content:center;height:100vh;margin:0">
<div style="text-align:center"><h1 style="color:#1f6feb">Tack</h1><p>The web UI was not built into this binary. Run <code>make desktop</code>.</p>
<p id="api" style="color:#909399">Checking the server…</p></div>
<script>
fetch('/api/v1/healthz').then(r => r.json().then(b => [r.status, b])).then(([s, b]) => {
  document.getElementById('api').textContent = s === 200 ? 'Server in use: ' + b.status + ' (version ' + b.version + ')' : 'Server: ' + ((b.error && b.error.message) || s)
}).catch(e => { document.getElementById('api').textContent = 'Server: ' + e })
</script></body></html>`

// cspProbeJS checks, in the real window, that the page runs under the
// index.html Content-Security-Policy: it reports through the /api proxy
// (logged with TACK_DESKTOP_LOG_API=1) whether the policy is there,
// whether an inline script and eval were blocked, and whether a link to
// another site was kept out of the window. The desktop smoke test
// (e2e/desktop/smoke.sh) sets TACK_DESKTOP_CSP_PROBE=1 and reads the log.
// The probe itself runs as the shell's own script, which a page policy does
// not govern; what it tries on the page's behalf is.
const cspProbeJS = `(function () {
  var report = function (what) { fetch('/api/v1/healthz?csp_probe=' + what).catch(function () {}) };
  var meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  report(meta && /(^|;)\s*script-src 'self'\s*(;|$)/.test(meta.content) ? 'meta-ok' : 'meta-missing');
  window.__tackInline = false;
  var s = document.createElement('script');
  s.textContent = 'window.__tackInline = true';
  document.head.appendChild(s);
  var evalRan = false;
  try { evalRan = (0, window['ev' + 'al'])('true') } catch (e) {}
  report(evalRan ? 'eval-ran' : 'eval-blocked');
  // A link to another site must not open in the window (frontend/src/desktop/links.ts).
  // The rule needs the Wails runtime, which may be injected after DOM ready
  // on a loaded machine: wait for it (a click before it exists would really
  // navigate the window away, taking the inline report with it).
  // (The system browser is stood in for, so the probe opens nothing.)
  var linkCheck = function (tries) {
    var rt = window.runtime;
    if (!rt || !rt.BrowserOpenURL) {
      if (tries > 0) { setTimeout(function () { linkCheck(tries - 1) }, 100) } else { report('link-unready') }
      return;
    }
    var open = rt.BrowserOpenURL, sent = '';
    rt.BrowserOpenURL = function (u) { sent = u };
    var a = document.createElement('a');
    a.href = 'https://example.invalid/';
    document.body.appendChild(a);
    var click = new MouseEvent('click', { bubbles: true, cancelable: true });
    a.dispatchEvent(click);
    a.remove();
    rt.BrowserOpenURL = open;
    report(click.defaultPrevented && sent === 'https://example.invalid/' ? 'link-kept' : 'link-followed');
  };
  setTimeout(function () {
    report(window.__tackInline ? 'inline-ran' : 'inline-blocked');
    linkCheck(200);
  }, 300);
})()`
