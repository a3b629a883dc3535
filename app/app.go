package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"tack/backend/chatlocal"
)

// App is the desktop shell: which server the window talks to, lifecycle,
// tray and notifications. Its exported methods are Wails bindings
// (window.go.app.App.*), one line each over the unexported logic.
type App struct {
	ConfigDir string
	UI        fs.FS
	Version   string
	Proxy     *Proxy
	Notifier  Notifier
	Sync      *Sync // folder sync facade (bound to the window, shown in the tray)

	ctx   context.Context
	lang  shellLang // of the tray and OS notifications
	mu    sync.Mutex
	conn  Connection
	local *Local
	tray  *Tray
	stop  context.CancelFunc
	// syncDone is closed when the sync agent has stopped its engine.
	syncDone chan struct{}
	// openDir is the native folder chooser (nil: the Wails dialog; tests
	// put a stand-in for the user's choice).
	openDir func(title string) (string, error)
	// ask is the native yes/no dialog (nil: the Wails one; tests put a
	// stand-in for the user's answer). See confirm.go.
	ask func(title, message string) (bool, error)
	// upd is the update check's state (update.go); exePath the file an
	// update replaces ("" = this executable; tests put a copy).
	upd     updates
	exePath string
	// Launch is how this process was started (--hidden, tack:// links);
	// Autostart the start-at-login setting (autostart.go).
	Launch    Launch
	Autostart *Autostart
	// Punch is the desktop's office-network punch (tray item, automatic
	// punch; punch.go).
	Punch *Puncher
	// ChatIndex is the local chat index that search falls back to when the
	// server is unreachable (chatindex.go).
	ChatIndex *ChatIndex
}

// New builds the shell; ui is the embedded frontend (may be nil).
func New(configDir string, ui fs.FS, version string) *App {
	p := NewProxy(indexHandler(ui))
	p.Log = os.Getenv("TACK_DESKTOP_LOG_API") == "1"
	a := &App{ConfigDir: configDir, UI: ui, Version: version, Proxy: p, Sync: NewSync(configDir)}
	a.Notifier = &OSNotifier{AppName: "Tack", OnClick: a.openLink}
	a.Sync.confirm = a.confirm
	a.Autostart = &Autostart{ConfigDir: configDir}
	a.Punch = &Puncher{Server: p, Notifier: a.Notifier, Lang: a.lang.Get, ConfigDir: configDir}
	a.ChatIndex = &ChatIndex{Server: p, Dir: filepath.Join(configDir, "chat")}
	a.Sync.hasPairs = func() {
		if err := a.Autostart.ApplyDefault(true); err != nil {
			slog.Error("desktop: start at login", "err", err)
		}
	}
	return a
}

// StartAtLogin reports whether the client starts (hidden) at login.
func (a *App) StartAtLogin() (bool, error) { return a.Autostart.Enabled(), nil }

// SetStartAtLogin turns start at login on or off; the choice sticks.
func (a *App) SetStartAtLogin(on bool) (bool, error) {
	return on, a.Autostart.Set(on)
}

// secondInstance is Wails' OnSecondInstanceLaunch: tack.exe started again
// (by the user, a tack:// link, the login entry) brings this window to the
// front and follows the link it was given; no second sync engine starts.
func (a *App) secondInstance(args []string) {
	l := ParseLaunch(args)
	slog.Info("desktop: second start handed over", "args", len(args), "links", strings.Join(l.Links, " "))
	if l.Hidden && len(l.Links) == 0 {
		return // the login entry raced a start by hand: stay as we are
	}
	if a.ctx != nil {
		runtime.WindowUnminimise(a.ctx)
		runtime.Show(a.ctx)
	}
	for _, link := range l.Links {
		a.openLink(link)
	}
	if len(l.Links) == 0 && a.ctx != nil {
		runtime.WindowShow(a.ctx)
	}
}

// PunchNow punches over the office network (the server decides by this
// computer's address) and raises an OS notification with the result.
func (a *App) PunchNow() (PunchResult, error) { return a.Punch.Punch(a.context()), nil }

// AutoPunch reports whether the automatic punch (极速打卡) is on.
func (a *App) AutoPunch() (bool, error) {
	p, err := LoadPunchPrefs(a.ConfigDir)
	return p.Auto, err
}

// SetAutoPunch turns the automatic punch on or off (punch.json); turned on,
// it checks at once.
func (a *App) SetAutoPunch(on bool) (bool, error) { return a.setAutoPunch(on) }

// SearchChatOffline searches the messages this client has indexed for the
// signed-in user (chat search while the server cannot be reached).
// It logs how many messages it found (never the words searched for): the
// desktop e2e suite (e2e/desktop/chatsearch.sh) reads that to know the
// window's search was answered here.
func (a *App) SearchChatOffline(req chatlocal.SearchRequest) ([]chatlocal.Hit, error) {
	hs, err := a.ChatIndex.Search(a.context(), req)
	if err != nil {
		slog.Info("desktop: offline chat search", "err", err)
	} else {
		slog.Info("desktop: offline chat search", "hits", len(hs))
	}
	return hs, err
}

// HasChatIndex says whether this client has indexed the signed-in user's
// chats for the server in use: a window started while the server is down
// offers chat search on its offline page then.
func (a *App) HasChatIndex() (bool, error) { return a.ChatIndex.Has(), nil }

// GetConnection returns the current server choice (URL is the server in use).
func (a *App) GetConnection() (Connection, error) { return a.connection(), nil }

// ConnectRemote checks url is a Tack server (healthz), saves and uses it.
// The user confirms the address in a native dialog first (confirm.go).
func (a *App) ConnectRemote(rawURL string) (Connection, error) {
	u, err := normalizeURL(rawURL)
	if err != nil {
		return Connection{}, err
	}
	if !a.confirm("confirm.connect", "confirm.connect.body", u.String()) {
		return Connection{}, errNotConfirmed
	}
	return a.connectRemote(rawURL)
}

// CreateLocalWorkspace starts the embedded server on this computer and uses it.
func (a *App) CreateLocalWorkspace() (Connection, error) { return a.useLocal(true) }

// Disconnect forgets the server (the local workspace data is kept).
func (a *App) Disconnect() (Connection, error) { return a.disconnect() }

// PickFolder opens the native folder chooser; "" when cancelled. The folder
// chosen is the only one Sync.AddPair then takes (pick.go).
func (a *App) PickFolder(title string) (string, error) { return a.pickFolder(title) }

func (a *App) nativeAsk(title, message string) (bool, error) {
	res, err := runtime.MessageDialog(a.ctx, runtime.MessageDialogOptions{Type: runtime.QuestionDialog, Title: title, Message: message})
	return strings.EqualFold(res, "Yes") || strings.EqualFold(res, "Ok"), err
}

func (a *App) nativeOpenDir(title string) (string, error) {
	return runtime.OpenDirectoryDialog(a.ctx, runtime.OpenDialogOptions{Title: title})
}

func (a *App) connection() Connection {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.conn
	if t := a.Proxy.Target(); t != nil {
		c.URL = t.String()
	}
	return c
}

// restore reconnects to the saved choice at startup.
func (a *App) restore() error {
	c, err := LoadConnection(a.ConfigDir)
	if err != nil {
		return err
	}
	switch c.Mode {
	case ModeRemote:
		u, err := url.Parse(c.URL)
		if err != nil {
			return fmt.Errorf("app: saved url: %w", err)
		}
		a.setConn(c, u)
	case ModeLocal:
		_, err = a.useLocal(false)
	case ModeNone:
		// First start after an installer run with /SERVER=: IT's choice.
		if preset := presetServer(a.exePath); preset != "" {
			u, _ := url.Parse(preset)
			c = Connection{Mode: ModeRemote, URL: preset}
			if err := SaveConnection(a.ConfigDir, c); err != nil {
				return err
			}
			a.setConn(c, u)
		}
	}
	return err
}

func (a *App) setConn(c Connection, u *url.URL) {
	a.mu.Lock()
	a.conn = c
	a.mu.Unlock()
	a.Proxy.SetTarget(u)
}

func (a *App) connectRemote(raw string) (Connection, error) {
	u, err := normalizeURL(raw)
	if err != nil {
		return Connection{}, err
	}
	if err := checkHealth(a.context(), u); err != nil {
		return Connection{}, err
	}
	a.stopLocal()
	c := Connection{Mode: ModeRemote, URL: u.String()}
	if err := SaveConnection(a.ConfigDir, c); err != nil {
		return Connection{}, err
	}
	a.setConn(c, u)
	return a.connection(), nil
}

func (a *App) useLocal(save bool) (Connection, error) {
	a.mu.Lock()
	l := a.local
	a.mu.Unlock()
	if l == nil {
		var err error
		if l, err = StartLocal(a.context(), a.ConfigDir, a.UI, a.Version); err != nil {
			return Connection{}, err
		}
		a.mu.Lock()
		a.local = l
		a.mu.Unlock()
		slog.Info("desktop: workspace server running", "url", l.URL.String())
	}
	c := Connection{Mode: ModeLocal}
	if save {
		if err := SaveConnection(a.ConfigDir, c); err != nil {
			return Connection{}, err
		}
	}
	a.setConn(c, l.URL)
	return a.connection(), nil
}

func (a *App) disconnect() (Connection, error) {
	if err := SaveConnection(a.ConfigDir, Connection{}); err != nil {
		return Connection{}, err
	}
	a.setConn(Connection{}, nil)
	a.stopLocal()
	return Connection{}, nil
}

func (a *App) stopLocal() {
	a.mu.Lock()
	l := a.local
	a.local = nil
	a.mu.Unlock()
	_ = l.Stop()
}

func (a *App) context() context.Context {
	if a.ctx != nil {
		return a.ctx
	}
	return context.Background()
}

func normalizeURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw != "" && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errBadURL
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// checkHealth asks GET <u>/api/v1/healthz and wants a 200.
func checkHealth(ctx context.Context, u *url.URL) error {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String()+"/api/v1/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return errUnreachable.Wrap(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errUnreachable
	}
	return nil
}
