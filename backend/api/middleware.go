package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "tack_session"

// CSRFHeader must accompany unsafe requests authenticated by cookie. A
// cross-site form cannot set it, and SameSite=Strict is the second line.
const CSRFHeader = "X-Tack-Request"

type actorKey struct{}

// ActorHandler is a handler that runs only for an authenticated actor.
type ActorHandler func(w http.ResponseWriter, r *http.Request, a identity.Actor)

// passwordChangeRoutes are what a session may use while its user must
// replace a reset password: read who they are, and change it.
var passwordChangeRoutes = map[string]bool{
	"GET /api/v1/me": true, "GET /api/v1/company": true, "POST /api/v1/me/password": true}

var errPasswordChangeRequired = apperr.Forbidden("auth.password_change_required",
	"your password was reset; choose a new password first")

func bearerToken(r *http.Request) (token string, byCookie bool) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer "), false
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value, true
	}
	// EventSource cannot set headers; SSE and downloads opened in a new tab
	// may pass the token as a query parameter instead.
	if t := r.URL.Query().Get("access_token"); t != "" && r.Method == http.MethodGet {
		return t, false
	}
	return "", false
}

func isSafe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// authed wraps fn so it runs only for a valid session.
func (h *Handler) authed(fn ActorHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, byCookie := bearerToken(r)
		if token == "" {
			writeError(w, r, apperr.Unauthenticated("auth.required", "please sign in"))
			return
		}
		if byCookie && !isSafe(r.Method) && r.Header.Get(CSRFHeader) != "1" {
			writeError(w, r, apperr.Forbidden("auth.csrf", "missing "+CSRFHeader+" header"))
			return
		}
		actor, err := h.deps.Org.Authenticate(r.Context(), token)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if actor.MustChangePassword && !passwordChangeRoutes[r.Method+" "+r.URL.Path] {
			writeError(w, r, errPasswordChangeRequired)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, actor))
		h.writes.admit(w, r, func() { fn(w, r, actor) })
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Flush lets SSE handlers stream through the recorder.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logged logs each API request and turns a panic into a 500 instead of a dropped connection.
func logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				slog.Error("api: panic", "method", r.Method, "path", r.URL.Path, "panic", p)
				writeJSON(rec, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: apperr.KindInternal, Key: "internal", Message: "internal error"}})
			}
			slog.Debug("api", "method", r.Method, "path", r.URL.Path, "status", rec.status, "dur", time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}
