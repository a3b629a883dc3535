package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tack/backend/apperr"
)

// Every 429 names when to come back: the wait the error carries, rounded up
// to whole seconds, or a minute when it does not say.
func TestEvery429CarriesRetryAfter(t *testing.T) {
	for _, c := range []struct {
		err  *apperr.Error
		want string
	}{
		{apperr.RateLimited("x.limited", "limited"), "60"},
		{apperr.RateLimited("x.limited", "limited").WithRetryAfter(1500 * time.Millisecond), "2"},
		{apperr.RateLimited("x.limited", "limited").WithRetryAfter(time.Millisecond), "1"},
		{apperr.RateLimited("x.limited", "limited").WithRetryAfter(10 * time.Hour), "36000"},
	} {
		w := httptest.NewRecorder()
		writeError(w, httptest.NewRequest("POST", "/api/v1/x", nil), c.err)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != c.want {
			t.Errorf("%v: %d Retry-After %q, want 429 %q", c.err.RetryAfter, w.Code, w.Header().Get("Retry-After"), c.want)
		}
	}
	w := httptest.NewRecorder()
	writeError(w, httptest.NewRequest("POST", "/api/v1/x", nil), apperr.Invalid("x.bad", "bad"))
	if w.Header().Get("Retry-After") != "" {
		t.Error("a 400 with Retry-After")
	}
}
