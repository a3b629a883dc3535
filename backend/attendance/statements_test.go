package attendance_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"tack/backend/server/servertest"
)

// punchBudget is the statements of one office punch over HTTP on
// PostgreSQL once the caches are warm, authentication included: 19 before
// the attendance configuration was cached (places, members, groups, the
// night-shift count before the write; members, groups, shifts inside it),
// 14 after: the configuration's version row is read once before the write
// and once inside it (config.go).
const punchBudget = 14

func TestStatementsPerPunchPostgres(t *testing.T) {
	e := servertest.NewPostgres(t)
	c := setup(t, e)
	var mu sync.Mutex
	on, sqls := false, []string(nil)
	rec := func(tx *gorm.DB) {
		mu.Lock()
		if on && !tx.DryRun {
			sqls = append(sqls, tx.Statement.SQL.String())
		}
		mu.Unlock()
	}
	cb := e.Server.DB.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("test:count_punch", rec),
		cb.Query().After("gorm:query").Register("test:count_punch", rec),
		cb.Update().After("gorm:update").Register("test:count_punch", rec),
		cb.Delete().After("gorm:delete").Register("test:count_punch", rec),
		cb.Raw().After("gorm:raw").Register("test:count_punch", rec),
		cb.Row().After("gorm:row").Register("test:count_punch", rec),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	setClock(e, "08:20", 5)
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 20)) // warms the caches
	setClock(e, "08:25", 5)
	mu.Lock()
	on = true
	mu.Unlock()
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", c.empT, punchAt(officeLat, officeLng, 20))
	mu.Lock()
	on = false
	got := sqls
	mu.Unlock()
	all := strings.Join(got, "\n")
	t.Logf("punch: %d statements", len(got))
	if len(got) > punchBudget || strings.Contains(all, "attendance_places") || strings.Contains(all, "attendance_group") ||
		strings.Contains(all, "attendance_shifts") {
		t.Errorf("punch ran %d statements, budget %d, none reading the configuration itself:\n%s", len(got), punchBudget, all)
	}
}
