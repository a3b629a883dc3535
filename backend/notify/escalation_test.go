package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// TestEscalationOneDingPerRunAndDailyLimit: everything of one person that
// falls due together comes as one DING; nobody gets more than the daily
// limit of automatic DINGs (5); what the limit held back comes the next
// working morning — not at midnight — if it is still unread; a manual DING
// from a colleague is never held back by it.
func TestEscalationOneDingPerRunAndDailyLimit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, uTok := e.NewUser(adminTok, "")
		other, _ := e.NewUser(adminTok, "")
		ctx := context.Background()
		escalate := func() int {
			t.Helper()
			n, err := e.Server.Notify.Escalate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		received := func() []notify.Ding {
			var page struct{ Items []notify.Ding }
			e.Must(200, "GET", "/api/v1/ding?box=received&limit=100", uTok, nil).JSON(t, &page)
			return page.Items
		}
		notice := func(title string, to ...string) {
			emit(t, e, &notify.Event{Type: "announcement.published", SubjectType: "announcement", SubjectID: title, ActorID: admin.ID,
				Recipients: to, Data: map[string]any{"title": title}})
			dispatch(t, e)
		}

		// Monday 17:00 Shanghai: three notices at once, due at 19:00 → one DING naming all three.
		notice("A", u.ID)
		notice("B", u.ID, other.ID)
		notice("C", u.ID)
		e.Clock.Advance(2 * time.Hour)
		if n := escalate(); n != 2 { // u and other
			t.Fatalf("DINGs %d, want one each for two people", n)
		}
		ds := received()
		if len(ds) != 1 || ds[0].Message != "Unread (3): A; B; C" || ds[0].SubjectType != "" || len(ds[0].Receipts) != 1 {
			t.Fatalf("batched DING %+v", ds)
		}

		// Four more DINGs the same evening reach the limit of five; the sixth notice waits.
		for i := range 5 {
			e.Clock.Set(time.Date(2026, 1, 5, 9, 10+i, 0, 0, time.UTC)) // 17:10, 17:11, … Shanghai
			notice(fmt.Sprintf("N%d", i), u.ID)
		}
		for i := range 5 {
			e.Clock.Set(time.Date(2026, 1, 5, 11, 10+i, 0, 0, time.UTC)) // each falls due two hours later
			want := 1
			if i == 4 {
				want = 0
			}
			if n := escalate(); n != want {
				t.Fatalf("run %d sent %d DINGs, want %d", i, n, want)
			}
		}
		if n := len(received()); n != 5 {
			t.Fatalf("received %d automatic DINGs on Monday, want the limit of 5", n)
		}
		// A colleague's DING still gets through.
		e.Must(201, "POST", "/api/v1/ding", adminTok, map[string]any{"recipients": []string{u.ID}, "message": "come to room 3"})

		// Tuesday 00:05 Shanghai: a new day, but not working hours and long overdue: no DING at night.
		e.Clock.Set(time.Date(2026, 1, 5, 16, 5, 0, 0, time.UTC))
		if n := escalate(); n != 0 {
			t.Fatalf("DINGed at midnight: %d", n)
		}
		// Tuesday 09:00 Shanghai: the held-back notice, still unread, is DINGed.
		e.Clock.Set(time.Date(2026, 1, 6, 1, 0, 0, 0, time.UTC))
		if n := escalate(); n != 1 {
			t.Fatalf("held-back notice DINGs %d, want 1", n)
		}
		ds = received()
		if ds[0].Message != "Unread: N4" || ds[0].SubjectType != "announcement" || ds[0].SubjectID != "N4" {
			t.Fatalf("held-back DING %+v", ds[0])
		}
		if n := escalate(); n != 0 {
			t.Fatalf("DINGed twice: %d", n)
		}
		var auto int
		for _, d := range received() {
			if d.Auto {
				auto++
			} else if !strings.Contains(d.Message, "room 3") {
				t.Fatalf("unexpected DING %+v", d)
			}
		}
		if auto != 6 {
			t.Fatalf("%d automatic DINGs, want 6", auto)
		}
	})
}

// TestEscalationPagesThroughABacklog: more due notices than one page of the
// scan (500) all end up in the person's DING, each marked once.
func TestEscalationPagesThroughABacklog(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		u, _ := e.NewUser(adminTok, "")
		for i := range 520 {
			emit(t, e, &notify.Event{Type: "approval.task_assigned", ActorID: admin.ID, Recipients: []string{u.ID},
				Data: map[string]any{"title": fmt.Sprintf("A%03d", i)}})
			if i == 260 {
				e.Clock.Advance(time.Second) // two creation times, so the pages cross one
				dispatch(t, e)
			}
		}
		dispatch(t, e)
		e.Clock.Advance(2*time.Hour + time.Minute) // all due (17:00 + 2 h), none late
		if n, err := e.Server.Notify.Escalate(context.Background()); err != nil || n != 1 {
			t.Fatalf("DINGs %d %v, want 1", n, err)
		}
		var left int64
		e.Server.DB.Model(&notify.Notification{}).Where("user_id = ? AND escalated_at IS NULL", u.ID).Count(&left)
		var d notify.Ding
		e.Server.DB.Where("auto = ?", true).Take(&d)
		if left != 0 || !strings.HasPrefix(d.Message, "Unread (520): A000; A001") {
			t.Fatalf("%d not escalated; DING %q", left, d.Message)
		}
	})
}
