//go:build darwin

package app

import "context"

// Tray is omitted on macOS for now: fyne.io/systray must own the Cocoa main
// thread there, which Wails v2 also needs; closing the window quits instead.
type Tray struct{}

func StartTray(context.Context, *App) *Tray { return nil }
func (t *Tray) Refresh()                    {}
func (t *Tray) Up() bool                    { return false }
func (t *Tray) Quitting() bool              { return false }
func (t *Tray) Stop()                       {}
