package api_test

import (
	"strconv"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

// The sign-in limiter and the DING daily limit say how long the wait really
// is: the limiter's delay, and the time until the next day in Shanghai.
func TestRateLimitedAnswersSayHowLongToWait(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, _ := e.Setup()
		for i := 0; i < 5; i++ {
			e.Must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": servertest.AdminEmail, "password": "nope"})
		}
		r := e.Must(429, "POST", "/api/v1/auth/login", "", map[string]string{"email": servertest.AdminEmail, "password": "nope"})
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
			t.Fatalf("sign-in limiter: Retry-After %q, want the first delay (1 s)", r.Header.Get("Retry-After"))
		}

		// DING: 20 a day; the clock stands at 2026-11-22 22:05 in Shanghai
		// (set here), so the limit lifts in 1 h 55 min.
		e.Clock.Set(time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC))
		adminTok = e.Login(servertest.AdminEmail, servertest.TestPassword)
		b, _ := e.NewUser(adminTok, "")
		for i := 0; i < 20; i++ {
			e.Must(201, "POST", "/api/v1/ding", adminTok, map[string]any{"recipients": []string{b.ID}, "message": "again"})
		}
		r = e.Must(429, "POST", "/api/v1/ding", adminTok, map[string]any{"recipients": []string{b.ID}, "message": "one too many"})
		if got, want := r.Header.Get("Retry-After"), strconv.Itoa(int((115 * time.Minute).Seconds())); got != want {
			t.Fatalf("DING limit: Retry-After %q, want %q", got, want)
		}
	})
}
