package attendance_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"tack/backend/attendance"
	"tack/backend/server/servertest"
)

// waitFor polls cond until it holds (or fails the test after 30 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestConcurrentPunchesOneBatch: punches that arrive while a batch is being
// written queue and go in together (punch_batch.go). Every one is recorded
// exactly once, in one verified chain, and every person's day counts their
// punch. One punch of the batch that cannot be written (its row ID is
// taken) fails alone: the others are written again without it.
func TestConcurrentPunchesOneBatch(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:10", 6)
		const people = 12
		tokens := []string{c.empT, c.headT, c.bobT}
		ids := []string{c.emp.ID, c.head.ID, c.bob.ID}
		for len(tokens) < people {
			u, tok := e.NewUser(c.admin, c.dept.ID)
			tokens, ids = append(tokens, tok), append(ids, u.ID)
		}
		// One punch before, whose row ID the bad punch will reuse.
		var first attendance.PunchResult
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 10)).JSON(t, &first)

		setClock(e, "08:20", 6)
		queued, release := attendance.HoldPunches(e.Server.Attendance)
		results := make([]attendance.PunchResult, people)
		status := make([]int, people)
		var wg sync.WaitGroup
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do("POST", "/api/v1/attendance/punches", tokens[i], punchAt(officeLat+0.0003, officeLng, 15))
				status[i] = r.Status
				if r.Status == http.StatusCreated {
					r.JSON(t, &results[i])
				}
			}()
		}
		var badErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			badErr = attendance.QueuePunchCopy(context.Background(), e.Server.Attendance, c.bob.ID, first.Punch.ID, "2026-01-06", e.Clock.Now())
		}()
		waitFor(t, "every punch queued", func() bool { return queued() == people+1 })
		release()
		wg.Wait()

		if badErr == nil {
			t.Fatal("the punch reusing a row ID was written")
		}
		seqs := map[int64]bool{}
		for i := range people {
			if status[i] != http.StatusCreated {
				t.Fatalf("punch %d: status %d", i, status[i])
			}
			r := results[i]
			if r.Punch.UserID != ids[i] || r.Punch.Seq < 2 || seqs[r.Punch.Seq] {
				t.Fatalf("punch %d: %+v", i, r.Punch)
			}
			seqs[r.Punch.Seq] = true
			if r.Day.UserID != ids[i] || r.Day.WorkDate != "2026-01-06" || r.Day.FirstIn == nil {
				t.Fatalf("punch %d: day %+v", i, r.Day)
			}
		}
		rep, err := attendance.VerifyChain(context.Background(), e.Server.DB)
		if err != nil || !rep.OK() || rep.Rows != people+1 {
			t.Fatalf("chain %+v %v", rep, err)
		}
		var n int64
		if err := e.Server.DB.Model(&attendance.Punch{}).Where("user_id = ?", c.bob.ID).Count(&n).Error; err != nil || n != 1 {
			t.Fatalf("bob has %d punches (%v), want his one good punch", n, err)
		}
		// The stored day of each, as the board and month read it.
		for _, id := range ids {
			if d := storedDay(t, e, id, "2026-01-06"); d.FirstIn == nil {
				t.Fatalf("stored day of %s has no punch: %+v", id, d)
			}
		}
		// The queue is open again: a punch alone goes straight through.
		setClock(e, "17:40", 6)
		e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.headT, punchAt(officeLat, officeLng, 10))
	})
}

// TestManyPunchersAtOnce: 40 clients punch at once, twice each, through the
// queue as it batches by itself; nothing is lost or doubled and the chain verifies.
func TestManyPunchersAtOnce(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		setClock(e, "08:25", 6)
		const people = 40
		tokens := make([]string, people)
		for i := range tokens {
			_, tokens[i] = e.NewUser(c.admin, c.dept.ID)
		}
		var wg sync.WaitGroup
		fails := make(chan int, 2*people)
		for i := range 2 * people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if s := e.Do("POST", "/api/v1/attendance/punches", tokens[i%people], punchAt(officeLat, officeLng+0.0002, 12)).Status; s != http.StatusCreated {
					fails <- s
				}
			}()
		}
		wg.Wait()
		close(fails)
		for s := range fails {
			t.Fatalf("a punch failed: %d", s)
		}
		rep, err := attendance.VerifyChain(context.Background(), e.Server.DB)
		if err != nil || !rep.OK() || rep.Rows != 2*people {
			t.Fatalf("chain %+v %v", rep, err)
		}
		var per []int64
		if err := e.Server.DB.Model(&attendance.Punch{}).Group("user_id").Pluck("COUNT(*)", &per).Error; err != nil || len(per) != people {
			t.Fatalf("%d people punched (%v)", len(per), err)
		}
		for _, n := range per {
			if n != 2 {
				t.Fatalf("punches per person %v", per)
			}
		}
	})
}
