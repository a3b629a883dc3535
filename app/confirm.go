package app

import (
	"log/slog"

	"tack/backend/apperr"
)

// The bindings that let go of a safety hold or change which server the
// window trusts ask the user in a native dialog first. Whatever runs in the
// window (the UI, or a script a malicious server managed to get there) can
// call every binding, but it cannot click through an OS dialog: without it
// such a script could confirm a held mass delete (ransomware) or point the
// desktop at another server.

var errNotConfirmed = apperr.Invalid("desktop.not_confirmed", "not confirmed in the dialog; nothing was changed")

// confirm asks the yes/no question in a native dialog (a.ask in tests) and
// reports whether the user said yes. A dialog that fails counts as no.
func (a *App) confirm(titleKey, bodyKey string, args ...any) bool {
	ask := a.ask
	if ask == nil {
		ask = a.nativeAsk
	}
	lang := a.lang.Get()
	ok, err := ask(tr(lang, titleKey), tr(lang, bodyKey, args...))
	if err != nil {
		slog.Warn("desktop: confirmation dialog", "err", err)
		return false
	}
	return ok
}
