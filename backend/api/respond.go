package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"tack/backend/apperr"
	"tack/backend/store"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    apperr.Kind       `json:"code"`
	Key     string            `json:"key,omitempty"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Page is the list envelope (docs/ARCHITECTURE.md, API conventions).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// writeError maps err to the error body. Unknown errors are logged with the
// request and answered as a generic 500: never a stack trace or SQL text.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := apperr.As(err); ok && e.Kind != apperr.KindInternal {
		if e.Err != nil {
			slog.Info("api: request refused", "method", r.Method, "path", r.URL.Path, "code", e.Key, "cause", e.Err)
		}
		status, d := errorOf(e)
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfter(e.RetryAfter))
		}
		writeJSON(w, status, errorBody{Error: *d})
		return
	}
	if store.IsNotFound(err) {
		writeJSON(w, http.StatusNotFound, errorBody{Error: errorDetail{Code: apperr.KindNotFound, Key: "not_found", Message: "not found"}})
		return
	}
	if errors.Is(err, errBodyTooLarge) {
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: errorDetail{Code: apperr.KindTooLarge, Key: "request_too_large", Message: "request body too large"}})
		return
	}
	if r.Context().Err() != nil {
		// The client went away (navigated off, closed the tab) while the
		// request ran: whatever failed failed because of that. Not a server
		// fault worth an error line; the answer still says it failed, for
		// anything in between that does read it.
		slog.Debug("api: request abandoned by the client", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		slog.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: apperr.KindInternal, Key: "internal", Message: "internal error"}})
}

// errorOf is the status and error body of a user-facing error (the error of
// one item of a batch answer). Anything else is an internal error.
func errorOf(err error) (int, *errorDetail) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.KindInternal {
		return http.StatusInternalServerError, &errorDetail{Code: apperr.KindInternal, Key: "internal", Message: "internal error"}
	}
	return statusOf(e.Kind), &errorDetail{Code: e.Kind, Key: e.Key, Message: e.Message, Fields: e.Fields}
}

// defaultRetryAfter is the wait a 429 or 503 names when its error does not say.
const defaultRetryAfter = time.Minute

// retryAfter is the Retry-After value of a 429 or 503 (whole seconds, at least 1):
// every rate-limited answer tells clients when to come back, so they back
// off instead of hammering.
func retryAfter(d time.Duration) string {
	if d <= 0 {
		d = defaultRetryAfter
	}
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}

// statusOf maps an error kind to its HTTP status. It lives here, not in
// apperr, so that no domain package needs net/http.
func statusOf(kind apperr.Kind) int {
	switch kind {
	case apperr.KindInvalid:
		return http.StatusBadRequest
	case apperr.KindUnauthenticated:
		return http.StatusUnauthorized
	case apperr.KindForbidden:
		return http.StatusForbidden
	case apperr.KindNotFound:
		return http.StatusNotFound
	case apperr.KindConflict:
		return http.StatusConflict
	case apperr.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.KindRateLimited:
		return http.StatusTooManyRequests
	case apperr.KindUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// respond answers err (writeError) or, without one, v as JSON with status; a
// 204 has no body.
func respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}
