package app

import (
	"fmt"
	"io/fs"
	"os"
	goruntime "runtime"
	"testing/fstest"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

// HasDisplay reports whether a window can be opened (Linux/BSD need X11 or Wayland).
func HasDisplay() bool {
	if goruntime.GOOS == "windows" || goruntime.GOOS == "darwin" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// instanceID names the single-instance lock (one client per account).
const instanceID = "tack-desktop-7d1e2a"

// Run opens the desktop window and blocks until the app quits.
func Run(a *App) error {
	if !HasDisplay() {
		return fmt.Errorf("no display: the desktop window needs X11 or Wayland (DISPLAY/WAYLAND_DISPLAY is not set); run `tack serve` for the headless team server")
	}
	if handOver(os.Args[1:]) {
		return nil // the running client has the window and the link
	}
	var assets fs.FS = a.UI
	if assets == nil {
		assets = fstest.MapFS{"index.html": {Data: []byte(placeholderHTML)}}
	}
	return wails.Run(&options.App{
		Title:            "Tack",
		Width:            1280,
		Height:           820,
		MinWidth:         900,
		MinHeight:        600,
		AssetServer:      &assetserver.Options{Assets: assets, Handler: a.Proxy},
		BackgroundColour: &options.RGBA{R: 245, G: 247, B: 250, A: 255},
		OnStartup:        a.startup,
		OnDomReady:       a.domReady,
		OnBeforeClose:    a.beforeClose,
		OnShutdown:       a.shutdown,
		Bind:             []any{a, a.Sync},
		ErrorFormatter:   FormatError,
		Linux:            &linux.Options{Icon: Icon(256), ProgramName: "tack"},
		StartHidden:      a.Launch.Hidden,
		// One client per account: a second start hands its arguments
		// (a tack:// link) to this one instead of running a second sync
		// engine on the same folders.
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               instanceID,
			OnSecondInstanceLaunch: func(d options.SecondInstanceData) { a.secondInstance(d.Args) },
		},
	})
}
