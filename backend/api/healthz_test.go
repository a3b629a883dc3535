package api_test

import (
	"net/http"
	"testing"

	"tack/backend/server/servertest"
)

func TestHealthzAndUnknownRoute(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		var h map[string]string
		e.Must(http.StatusOK, "GET", "/api/v1/healthz", "", nil).JSON(t, &h)
		if h["status"] != "ok" {
			t.Fatalf("healthz = %v", h)
		}
		r := e.Must(http.StatusNotFound, "GET", "/api/v1/nope", "", nil)
		if code, _, _ := r.ErrorCode(); code != "not_found" {
			t.Fatalf("unknown route: %s", r.Body)
		}
		r = e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", "", nil)
		if code, _, _ := r.ErrorCode(); code != "unauthenticated" {
			t.Fatalf("me without token: %s", r.Body)
		}
		e.Must(http.StatusUnauthorized, "GET", "/api/v1/me", "bogus", nil)
	})
}
