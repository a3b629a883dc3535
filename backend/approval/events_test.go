package approval_test

import (
	"strings"
	"testing"
	"time"

	"tack/backend/approval"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// TestEveryActionEmits walks one request through every action and checks
// that each state change emits its event to the right people.
func TestEveryActionEmits(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		svc := e.Server.Approval
		var last int64
		expect := func(step string, want ...string) {
			t.Helper()
			var evs []notify.Event
			e.Server.DB.Where("id > ? AND type LIKE ?", last, "approval.%").Order("id").Find(&evs)
			var got []string
			for _, ev := range evs {
				if ev.Data["title"] == "" || ev.Data["title_en"] == "" || ev.Data["link"] == "" {
					t.Fatalf("%s: %s without title or link: %v", step, ev.Type, ev.Data)
				}
				// A submit takes its number after its first steps (submit.go):
				// their events still carry it.
				if n, _ := ev.Data["number"].(string); !strings.HasPrefix(n, "QJ-") {
					t.Fatalf("%s: %s without the number: %v", step, ev.Type, ev.Data)
				}
				got = append(got, ev.Type+">"+strings.Join(ev.Recipients, ","))
				last = ev.ID
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("%s: events\n%v\nwant\n%v", step, got, want)
			}
		}
		ev := func(typ string, to ...org.User) string {
			ids := make([]string, len(to))
			for i, u := range to {
				ids[i] = u.ID
			}
			return "approval." + typ + ">" + strings.Join(ids, ",")
		}
		do := func(step string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
		a := func(u org.User) identity.Actor { return actor(t, e, u.ID) }

		inst := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-16"), nil)
		expect("submit", ev("task_assigned", c.head))
		_, err := svc.Comment(ctx, a(c.head), inst.ID, approval.ActionRequest{Comment: "请交接"})
		do("comment", err)
		expect("comment", ev("comment", c.emp))
		e.Clock.Advance(2 * time.Hour)
		_, err = svc.Remind(ctx, a(c.emp), inst.ID)
		do("remind", err)
		expect("remind", ev("reminder", c.head))
		approve(t, e, c.head, inst.ID)
		expect("approve step", ev("task_assigned", c.gm), ev("progressed", c.emp))
		_, err = svc.Transfer(ctx, a(c.gm), inst.ID, approval.ActionRequest{UserID: c.other.ID})
		do("transfer", err)
		expect("transfer", ev("task_assigned", c.other))
		_, err = svc.AddApprover(ctx, a(c.other), inst.ID, approval.ActionRequest{UserID: c.hr.ID, Position: "before"})
		do("add approver", err)
		expect("add approver", ev("task_assigned", c.hr))
		approve(t, e, c.hr, inst.ID)
		expect("added approver approves", ev("task_assigned", c.other), ev("progressed", c.emp))
		zero := 0
		_, err = svc.Return(ctx, a(c.other), inst.ID, approval.ActionRequest{NodeIndex: &zero, Comment: "请部门负责人再确认"})
		do("return", err)
		expect("return", ev("returned", c.emp, c.head), ev("task_assigned", c.head))
		_, err = svc.Reject(ctx, a(c.head), inst.ID, approval.ActionRequest{Comment: "时间冲突"})
		do("reject", err)
		expect("reject", ev("decided", c.emp))

		w := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-13"), nil)
		expect("submit 2", ev("task_assigned", c.head))
		_, err = svc.Withdraw(ctx, a(c.emp), w.ID, approval.ActionRequest{})
		do("withdraw", err)
		expect("withdraw", ev("withdrawn", c.head))

		ok := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-13"), nil)
		expect("submit 3", ev("task_assigned", c.head))
		approve(t, e, c.head, ok.ID)
		expect("approve last", ev("cc", c.hr), ev("decided", c.emp))
	})
}
