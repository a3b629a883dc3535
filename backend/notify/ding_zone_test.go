package notify_test

import (
	"context"
	"testing"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/notify/notifyorg"
	"tack/backend/server/servertest"
)

// TestDingDailyLimitCountsDaysInCompanyZone: the daily DING limit resets at
// midnight in the company's zone (Config.Location, the working calendar's),
// not at midnight in Shanghai. In São Paulo (UTC−3), 23:30 and 00:05 are two
// days; in Shanghai both are the same morning.
func TestDingDailyLimitCountsDaysInCompanyZone(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, _ := e.NewUser(adminTok, "")
		sp, err := time.LoadLocation("America/Sao_Paulo")
		if err != nil {
			t.Fatal(err)
		}
		svc := notify.NewService(e.Server.DB, e.Clock, notifyorg.Directory{Org: e.Server.Org}, notify.Config{DingDailyLimit: 1, Location: sp})
		ctx := context.Background()
		me := identity.Actor{UserID: admin.ID, Name: admin.Name, Roles: []string{"admin"}}
		ding := func() error {
			_, err := svc.SendDing(ctx, me, notify.DingRequest{Recipients: []string{u.ID}, Message: "call me"})
			return err
		}
		e.Clock.Set(time.Date(2026, 1, 5, 23, 30, 0, 0, sp))
		if err := ding(); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(20 * time.Minute) // 23:50, the same day
		err = ding()
		ae, ok := apperr.As(err)
		if !ok || ae.Kind != apperr.KindRateLimited || ae.RetryAfter != 10*time.Minute {
			t.Fatalf("second DING the same day: %v (%+v), want rate limited until midnight in São Paulo", err, ae)
		}
		e.Clock.Advance(15 * time.Minute) // 00:05, a new day in São Paulo (still 11:05 the same day in Shanghai)
		if err := ding(); err != nil {
			t.Fatalf("first DING of the new day: %v", err)
		}
	})
}
