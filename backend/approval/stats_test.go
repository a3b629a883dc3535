package approval_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/approval"
	"tack/backend/server/servertest"
)

// TestStatsAndExport measures turnaround on the fake clock: two leaves (1 h;
// 2 h + 10 h) and one expense left to go overdue, then reads the statistics
// and both exports the way a manager would open them.
func TestStatsAndExport(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		var tpls struct{ Items []approval.Template }
		e.Must(200, "GET", "/api/v1/approval/templates", c.empT, nil).JSON(t, &tpls)
		var expenseID string
		for _, tp := range tpls.Items {
			if tp.BuiltinKey == "expense" {
				expenseID = tp.ID
			}
		}
		t0 := e.Clock.Now()
		a := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-12", "2026-01-13"), nil)
		e.Clock.Set(t0.Add(time.Hour))
		approve(t, e, c.head, a.ID)
		b := submit(t, e, c.emp, c.leaveID, leaveForm("2026-01-19", "2026-01-23"), nil)
		e.Clock.Set(t0.Add(3 * time.Hour))
		approve(t, e, c.head, b.ID)
		e.Clock.Set(t0.Add(13 * time.Hour))
		approve(t, e, c.gm, b.ID)
		exp := submit(t, e, c.emp, expenseID, map[string]any{"amount": map[string]any{"amount": 128000.0}, "expense_type": "travel", "reason": "客户现场",
			"items": []any{map[string]any{"date": "2026-01-05", "description": "高铁票", "amount": map[string]any{"amount": 55300.0}}}}, nil)
		e.Clock.Set(t0.Add(7 * 24 * time.Hour))
		if n, err := e.Server.Approval.RunSLA(ctx); err != nil || n != 1 {
			t.Fatalf("sla %d %v", n, err)
		}

		// Date filters are days of the company calendar (Asia/Shanghai), "to" included.
		for q, want := range map[string]int{"from=2026-01-05&to=2026-01-05": 2, "from=2026-01-06&to=2026-01-06": 1, "from=2026-01-06": 1, "to=2026-01-04": 0} {
			var page struct{ Items []approval.ListItem }
			e.Must(200, "GET", "/api/v1/approvals?box=all&"+q, c.admin, nil).JSON(t, &page)
			if len(page.Items) != want {
				t.Fatalf("%s: %d, want %d", q, len(page.Items), want)
			}
		}
		var counts approval.InboxCounts
		e.Must(200, "GET", "/api/v1/approvals/counts", c.headT, nil).JSON(t, &counts)
		if counts.Todo != 1 || counts.Overdue != 1 {
			t.Fatalf("head's inbox counts %+v", counts)
		}
		var st approval.Stats
		e.Must(200, "GET", "/api/v1/approval/stats", c.admin, nil).JSON(t, &st)
		if st.Scope != "company" || st.Total != 3 || st.Pending != 1 || st.Overdue != 1 || st.OverdueSteps != 1 {
			t.Fatalf("totals %+v", st)
		}
		byT := map[string]approval.Turnaround{}
		for _, x := range st.ByTemplate {
			byT[x.Key] = x
		}
		near := func(got, want float64) bool { return math.Abs(got-want) < 1 }
		if l := byT[c.leaveID]; l.Count != 2 || l.Finished != 2 || l.Name != "请假" || l.NameEn != "Leave" || !near(l.AvgSeconds, 6.5*3600) || !near(l.P90Seconds, 12*3600) {
			t.Fatalf("leave %+v", l)
		}
		if x := byT[expenseID]; x.Count != 1 || x.Finished != 0 || x.Pending != 1 || x.Overdue != 1 {
			t.Fatalf("expense %+v", x)
		}
		byA := map[string]approval.Turnaround{}
		for _, x := range st.ByApprover {
			byA[x.Key] = x
		}
		if h := byA[c.head.ID]; h.Count != 2 || !near(h.AvgSeconds, 1.5*3600) || !near(h.P90Seconds, 2*3600) || h.Pending != 1 || h.Overdue != 1 || h.Name != c.head.Name {
			t.Fatalf("head %+v", h)
		}
		if g := byA[c.gm.ID]; g.Count != 1 || !near(g.AvgSeconds, 10*3600) || g.Overdue != 0 {
			t.Fatalf("gm %+v", g)
		}

		// CSV, all types, Chinese: labels, never raw option values.
		r := e.Must(200, "GET", "/api/v1/approvals/export?format=csv", c.admin, nil)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil || len(rows) != 4 {
			t.Fatalf("csv %v %v", rows, err)
		}
		if strings.Join(rows[0][:10], ",") != "审批编号,审批类型,标题,申请人,申请人部门,审批状态,提交时间,完成时间,历时（小时）,审批记录" || rows[0][10] != "表单内容" {
			t.Fatalf("csv header %v", rows[0])
		}
		byNum := map[string][]string{}
		for _, row := range rows[1:] {
			byNum[row[0]] = row
		}
		ra := byNum[a.Number]
		if ra[5] != "已通过" || ra[4] != "Sales" || ra[8] != "1.0" || !strings.Contains(ra[9], c.head.Name+" 同意") ||
			!strings.Contains(ra[10], "请假类型：年假") || !strings.Contains(ra[10], "（2天）") {
			t.Fatalf("csv row %q", ra)
		}
		if re := byNum[exp.Number]; !strings.Contains(re[10], "说明：高铁票，金额：¥553.00") || !strings.Contains(re[10], "报销金额：¥1,280.00") || re[5] != "审批中" {
			t.Fatalf("csv expense row %q", re)
		}
		if bytes.Contains(r.Body, []byte("annual")) || bytes.Contains(r.Body, []byte("travel")) {
			t.Fatal("csv shows raw option values")
		}

		// XLSX of the leave type in English: one column per form field.
		r = e.Must(200, "GET", "/api/v1/approvals/export?format=xlsx&lang=en&template_id="+c.leaveID, c.admin, nil)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		xrows, err := x.GetRows("Approvals")
		if err != nil || len(xrows) != 3 {
			t.Fatalf("xlsx %v %v", xrows, err)
		}
		head := strings.Join(xrows[0], "|")
		if head != "Number|Type|Title|Applicant|Department|Status|Submitted|Finished|Hours to finish|Approvals|Leave type|Period|Reason|Attachments" {
			t.Fatalf("xlsx header %q", head)
		}
		var rowB []string
		for _, row := range xrows[1:] {
			if row[0] == b.Number {
				rowB = row
			}
		}
		if rowB == nil || rowB[1] != "Leave" || rowB[5] != "Approved" || rowB[10] != "Annual leave" || rowB[11] != "2026-01-19 AM – 2026-01-23 PM (5 days)" ||
			!strings.Contains(rowB[9], c.gm.Name+" approved") || !strings.HasPrefix(rowB[2], c.emp.Name+"'s Leave · Annual leave") {
			t.Fatalf("xlsx row %q", rowB)
		}
		// Hours are a number Excel can sum.
		for i, row := range xrows {
			if i > 0 && row[0] == b.Number {
				cell, _ := excelize.CoordinatesToCellName(9, i+1)
				if typ, _ := x.GetCellType("Approvals", cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Fatalf("hours cell type %v", typ)
				}
				if v, _ := x.GetCellValue("Approvals", cell); v != "12" && v != "12.0" {
					t.Fatalf("hours %q", v)
				}
			}
		}
		if panes, err := x.GetPanes("Approvals"); err != nil || !panes.Freeze {
			t.Fatalf("header row not frozen: %+v %v", panes, err)
		}

		var hs approval.Stats
		e.Must(200, "GET", "/api/v1/approval/stats", c.headT, nil).JSON(t, &hs)
		if hs.Scope != "departments" || hs.Total != 3 {
			t.Fatalf("head's stats %s %d", hs.Scope, hs.Total)
		}
		e.Must(200, "GET", "/api/v1/approval/stats", c.otherT, nil).JSON(t, &hs)
		if hs.Scope != "mine" || hs.Total != 0 {
			t.Fatalf("member's stats %s %d", hs.Scope, hs.Total)
		}
		// A member exports only their own requests; the head their department's.
		r = e.Must(200, "GET", "/api/v1/approvals/export?format=csv", c.otherT, nil)
		if rows, _ := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll(); len(rows) != 1 {
			t.Fatalf("member export has %d rows", len(rows))
		}
		r = e.Must(200, "GET", "/api/v1/approvals/export?format=csv", c.headT, nil)
		if rows, _ := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll(); len(rows) != 4 {
			t.Fatalf("head export has %d rows", len(rows))
		}
		if r := e.Do("GET", "/api/v1/approvals/export?format=csv&box=all", c.otherT, nil); r.Status != 403 {
			t.Fatalf("member export of the archive: %d", r.Status)
		}
	})
}
