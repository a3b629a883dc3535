package app

import (
	"errors"

	"tack/backend/apperr"
)

var (
	errNotConnected = apperr.Invalid("desktop.not_connected", "no server is configured")
	errBadURL       = apperr.Invalid("desktop.bad_url", "enter the server address, e.g. https://tack.example.com")
	errUnreachable  = apperr.Invalid("desktop.server_unreachable", "the server cannot be reached or is not a Tack server")
	// errNoChatIndex: nothing indexed for this server yet (never signed in
	// here, or signed out).
	errNoChatIndex = apperr.NotFound("desktop.no_chat_index", "this computer has no chat index for the server yet: it is built once signed in with the server reachable")
)

// BindingError is what a failed binding call rejects with in JavaScript.
type BindingError struct {
	Code    string `json:"code"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// FormatError is the Wails ErrorFormatter: {code,key,message} like the HTTP API.
func FormatError(err error) any {
	if e, ok := apperr.As(err); ok {
		return BindingError{Code: string(e.Kind), Key: e.Key, Message: e.Message}
	}
	if errors.Is(err, errNoEngine) {
		return BindingError{Code: "unavailable", Key: "desktop.sync_not_running", Message: err.Error()}
	}
	return BindingError{Code: "internal", Key: "desktop.internal", Message: err.Error()}
}
