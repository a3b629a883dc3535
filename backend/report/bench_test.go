package report_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/org"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

// The work reports benchmarks (bench/RESULTS.md, "Work reports"):
//
//	TACK_TEST_POSTGRES_DSN=... TACK_REPORT_BENCH_N=200000 \
//	  go test ./backend/report/ -run '^$' -bench 'Leader500|Search' -benchtime 20x -timeout 60m
//
// A 500-person department (one head, 500 writers inserted directly) with 20
// working days of dailies sent to the head: the head's inbox (GET
// reports/received, first page) and the daily's missing list (GET
// report/missing, 500 rows, half written today), over HTTP. Then N reports
// (TACK_REPORT_BENCH_N, default 200,000) searched for two-character words
// (GET reports/search) as the head, who sees them all, and as one writer,
// who sees 1/500 of them; the reference in the same run is the LIKE scan
// over the same reports' stored form.

func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("TACK_REPORT_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// Daily-report vocabulary: 客户 is common, 骆驼 rare, 鲸鱼 never written.
var (
	benchVerbs  = []string{"拜访", "跟进", "整理", "提交", "讨论", "确认", "更新", "检查", "准备", "回复"}
	benchThings = []string{"客户", "合同", "报价单", "方案", "周报", "会议纪要", "需求文档", "测试用例", "预算", "发布计划", "项目排期",
		"客户反馈", "考勤记录", "出差申请", "培训材料", "数据报表", "采购清单", "接口文档", "上线检查", "设计稿"}
)

func benchText(r *rand.Rand) string {
	var b strings.Builder
	for n := 2 + r.IntN(4); n > 0; n-- {
		b.WriteString(benchVerbs[r.IntN(len(benchVerbs))] + benchThings[r.IntN(len(benchThings))])
		if r.IntN(20000) == 0 {
			b.WriteString("，骆驼")
		}
		b.WriteString("；")
	}
	return b.String()
}

type benchCo struct {
	e       *servertest.Env
	headT   string
	writers []string
	writerT string // a writer's token (writers[0])
	dept    string
	daily   string
}

// benchCompany makes the head through the API and the 500 writers directly.
func benchCompany(b *testing.B, e *servertest.Env) benchCo {
	admin, _ := e.Setup()
	head, headT := e.NewUser(admin, "")
	dept := e.NewDepartment(admin, "Sales 500", "", &head.ID)
	first, firstT := e.NewUser(admin, dept.ID)
	c := benchCo{e: e, headT: headT, dept: dept.ID, writers: []string{first.ID}, writerT: firstT}
	now := e.Clock.Now().UTC()
	var users []org.User
	for i := 1; i < 500; i++ {
		id := fmt.Sprintf("bw%05d", i)
		users = append(users, org.User{ID: id, Name: fmt.Sprintf("写手%03d", i), Email: id + "@bench.tack", DepartmentID: dept.ID,
			Active: true, Version: 1, CreatedAt: now, UpdatedAt: now})
		c.writers = append(c.writers, id)
	}
	if err := e.Server.DB.CreateInBatches(users, 200).Error; err != nil {
		b.Fatal(err)
	}
	var ts struct{ Items []report.Template }
	e.Must(200, "GET", "/api/v1/report/templates", headT, nil).JSON(b, &ts)
	for _, t := range ts.Items {
		if t.BuiltinKey == "daily" {
			c.daily = t.ID
		}
	}
	return c
}

// insertReports writes n submitted dailies of the company's writers, all
// sent to the head (read when readShare says), indexed as a submit does.
func insertReports(b *testing.B, c benchCo, prefix string, n int, headID string, text func(i int) string, period func(i int) string) {
	db := c.e.Server.DB
	base := c.e.Clock.Now().UTC().Add(-time.Duration(n) * time.Second)
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := db.Transaction(func(tx *gorm.DB) error {
			var rs []report.Report
			var recs []report.Recipient
			for i := start; i < min(start+batch, n); i++ {
				at := base.Add(time.Duration(i) * time.Second)
				r := report.Report{ID: fmt.Sprintf("%s%012d", prefix, i), TemplateID: c.daily, TemplateVersion: 1, WriterID: c.writers[i%len(c.writers)],
					DepartmentID: c.dept, Period: period(i), Form: map[string]any{"done": text(i)}, Status: report.StatusSubmitted,
					SubmittedAt: &at, Version: 2, CreatedAt: at, UpdatedAt: at}
				rs = append(rs, r)
				rc := report.Recipient{ReportID: r.ID, UserID: headID, Reason: report.ReasonLeader}
				if i%3 != 0 {
					rc.ReadAt = &at
				}
				recs = append(recs, rc)
			}
			if err := tx.CreateInBatches(rs, 200).Error; err != nil {
				return err
			}
			if err := tx.CreateInBatches(recs, 500).Error; err != nil {
				return err
			}
			return report.IndexReports(tx, rs)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// analyze gives the planner the statistics a database that grew to this
// size has (PostgreSQL's autovacuum would, minutes after a bulk load; the
// benchmark measures right after it): ANALYZE, or on SQLite its counterpart.
func analyze(b *testing.B, e *servertest.Env) {
	if err := e.Server.DB.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
}

func headID(b *testing.B, c benchCo) string {
	var me struct {
		User struct{ ID string } `json:"user"`
		ID   string              `json:"id"`
	}
	c.e.Must(200, "GET", "/api/v1/me", c.headT, nil).JSON(b, &me)
	if me.User.ID != "" {
		return me.User.ID
	}
	return me.ID
}

// timed runs fn -benchtime times and reports, besides the mean, the median
// of the runs (med-ms): on the loaded machine one slow run moves a mean of
// three, not a median.
func timed(b *testing.B, name string, fn func()) {
	b.Run(name, func(b *testing.B) {
		var runs []time.Duration
		for b.Loop() {
			t := time.Now()
			fn()
			runs = append(runs, time.Since(t))
		}
		slices.Sort(runs)
		b.ReportMetric(float64(runs[len(runs)/2].Microseconds())/1000, "med-ms")
	})
}

// BenchmarkLeader500 is the head's inbox and missing list of a 500-person
// department with 10,000 dailies (20 days × 500) sent to the head.
func BenchmarkLeader500(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			e := servertest.New(b)
			if db == "postgres" {
				e = servertest.NewPostgres(b)
			}
			c := benchCompany(b, e)
			head := headID(b, c)
			days := make([]string, 20)
			for i := range days {
				days[i] = e.Clock.Now().AddDate(0, 0, -i-1).Format(time.DateOnly)
			}
			t0 := time.Now()
			insertReports(b, c, "d", 10_000, head, func(i int) string { return "拜访客户" }, func(i int) string { return days[i/500] })
			// Half the department wrote today's daily (one through the API).
			var today report.Detail
			e.Must(200, "POST", "/api/v1/reports", c.writerT, map[string]any{"template_id": c.daily}).JSON(b, &today)
			e.Must(200, "POST", "/api/v1/reports/"+today.ID+"/submit", c.writerT, map[string]any{"form": map[string]any{"done": "x"}, "version": today.Version})
			period := today.Period
			c.writers = c.writers[1:] // the others, from the second on
			insertReports(b, c, "t", 249, head, func(i int) string { return "今日" }, func(i int) string { return period })
			analyze(b, e)
			b.Logf("%s: loaded 10,250 reports in %s", db, time.Since(t0).Round(time.Millisecond))
			var inbox struct{ Items []report.Detail }
			e.Must(200, "GET", "/api/v1/reports/received", c.headT, nil).JSON(b, &inbox)
			var mv report.MissingView
			e.Must(200, "GET", "/api/v1/report/missing?template_id="+c.daily, c.headT, nil).JSON(b, &mv)
			if len(inbox.Items) != 50 || len(mv.Rows) != 500 || inbox.Items[0].Form["done"] == nil {
				b.Fatalf("inbox %d (first form %v), missing rows %d", len(inbox.Items), inbox.Items[0].Form, len(mv.Rows))
			}
			get := func(path string) func() {
				return func() {
					if r := e.Do("GET", path, c.headT, nil); r.Status != http.StatusOK {
						b.Fatalf("%s: %d", path, r.Status)
					}
				}
			}
			if db == "postgres" {
				explainInbox(b, e.Server.DB, head)
				traceRequest(b, e.Server.DB, get("/api/v1/report/missing?template_id="+c.daily))
				traceRequest(b, e.Server.DB, get("/api/v1/reports/received"))
			}
			timed(b, "inbox", get("/api/v1/reports/received"))
			timed(b, "inbox-unread", get("/api/v1/reports/received?unread=true"))
			timed(b, "missing", get("/api/v1/report/missing?template_id="+c.daily))
			timed(b, "ref-me", get("/api/v1/me")) // the reference: a signed-in GET that reads one user
		})
	}
}

// benchDBs are the databases to run on: TACK_REPORT_BENCH_DB=sqlite or
// postgres runs one (two processes can then load side by side), else both.
func benchDBs() []string {
	if db := os.Getenv("TACK_REPORT_BENCH_DB"); db == "sqlite" || db == "postgres" {
		return []string{db}
	}
	return []string{"sqlite", "postgres"}
}

// BenchmarkSearch searches N reports for two-character words.
func BenchmarkSearch(b *testing.B) {
	n := benchN()
	for _, db := range benchDBs() {
		b.Run(db, func(b *testing.B) {
			e := servertest.New(b)
			if db == "postgres" {
				e = servertest.NewPostgres(b)
			}
			c := benchCompany(b, e)
			head := headID(b, c)
			t0 := time.Now()
			texts := make([]string, n)
			r := rand.New(rand.NewPCG(2026, 18))
			rare := 0
			for i := range texts {
				texts[i] = benchText(r)
				if strings.Contains(texts[i], "骆驼") {
					rare++
				}
			}
			insertReports(b, c, "s", n, head, func(i int) string { return texts[i] }, func(i int) string { return "" })
			analyze(b, e)
			b.Logf("%s: loaded %d reports (骆驼 in %d) in %s", db, n, rare, time.Since(t0).Round(time.Second))
			get := func(tok, path string) func() {
				return func() {
					if r := e.Do("GET", path, tok, nil); r.Status != http.StatusOK {
						b.Fatalf("%s: %d", path, r.Status)
					}
				}
			}
			q := "/api/v1/reports/search?q="
			explainSearch(b, e.Server.DB, "head-骆驼", get(c.headT, q+"骆驼"))
			explainSearch(b, e.Server.DB, "head-鲸鱼", get(c.headT, q+"鲸鱼"))
			explainSearch(b, e.Server.DB, "head-客户", get(c.headT, q+"客户"))
			explainSearch(b, e.Server.DB, "writer-客户", get(c.writerT, q+"客户"))
			timed(b, "head-客户", get(c.headT, q+"客户"))
			timed(b, "head-骆驼", get(c.headT, q+"骆驼"))
			timed(b, "head-鲸鱼", get(c.headT, q+"鲸鱼"))
			timed(b, "writer-客户", get(c.writerT, q+"客户"))
			timed(b, "writer-骆驼", get(c.writerT, q+"骆驼"))
			// References in the same run: the LIKE scan a search without the
			// index would be, over the same rows.
			like := func(word string) func() {
				return func() {
					var ids []string
					if err := e.Server.DB.Raw(`SELECT id FROM reports WHERE status = 'submitted' AND form LIKE ? ORDER BY id DESC LIMIT 50`,
						"%"+word+"%").Scan(&ids).Error; err != nil {
						b.Fatal(err)
					}
				}
			}
			timed(b, "ref-like-骆驼", like("骆驼"))
			timed(b, "ref-like-鲸鱼", like("鲸鱼"))
			timed(b, "ref-me", get(c.headT, "/api/v1/me"))
		})
	}
}
