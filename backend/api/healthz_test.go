package api_test

import (
	"net/http"
	"os"
	"path/filepath"
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

// readyz sees the blob store as well as the database: a server whose
// chunk directory vanished (a lost mount) is taken out of the balancer.
func TestReadyzChecksDatabaseAndBlobStore(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		var h map[string]string
		e.Must(http.StatusOK, "GET", "/api/v1/readyz", "", nil).JSON(t, &h)
		if h["status"] != "ok" || h["database"] != "ok" || h["blobs"] != "ok" {
			t.Fatalf("readyz = %v", h)
		}
		if err := os.RemoveAll(filepath.Join(e.Server.Config.DataDir, "drive", "chunks")); err != nil {
			t.Fatal(err)
		}
		e.Must(http.StatusServiceUnavailable, "GET", "/api/v1/readyz", "", nil).JSON(t, &h)
		if h["blobs"] != "unavailable" || h["database"] != "ok" {
			t.Fatalf("readyz without the chunk directory = %v", h)
		}
		e.Must(http.StatusOK, "GET", "/api/v1/healthz", "", nil)
	})
}
