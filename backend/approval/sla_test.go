package approval_test

import (
	"sync"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// Two replicas (two services over one database) running the SLA pass at the
// same moment send each reminder once.
func TestSLAOnceAcrossReplicas(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		for i := 0; i < 5; i++ {
			submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-19", "2026-01-20"), nil)
		}
		e.Clock.Advance(29 * time.Hour) // well past 4 working hours
		other, err := approval.NewService(e.Server.DB, e.Clock, e.Server.Org, "", approval.Deps{})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, svc := range []*approval.Service{e.Server.Approval, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := svc.RunSLA(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		var n int64
		e.Server.DB.Model(&notify.Event{}).Where("type = ?", "approval.reminder").Count(&n)
		if n != 5 {
			t.Fatalf("reminders %d, want 5", n)
		}
	})
}
