//go:build windows

package app

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows/registry"
)

// The value the installer's "Start at login" component writes too
// (build/windows/installer/tack.nsi).
const runKeyPath, runValue = `Software\Microsoft\Windows\CurrentVersion\Run`, "Tack"

func runKeyEnabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValue)
	return err == nil
}

func setRunKey(on bool, exe string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKeyPath, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("app: autostart: %w", err)
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf("app: autostart: %w", err)
		}
		return nil
	}
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("app: autostart: %w", err)
		}
	}
	return k.SetStringValue(runValue, `"`+exe+`" --hidden`)
}
