package report_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/audit"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

func found(t *testing.T, e *servertest.Env, token, query string) []string {
	t.Helper()
	var page struct{ Items []report.Detail }
	e.Must(http.StatusOK, "GET", "/api/v1/reports/search?"+query, token, nil).JSON(t, &page)
	ids := []string{}
	for _, d := range page.Items {
		ids = append(ids, d.ID)
	}
	return ids
}

func q(s string) string { return "q=" + url.QueryEscape(s) }

// TestSearch: a two-character Chinese word and a phrase find the submitted
// reports the reader may see, newest first, narrowed by writer, template and
// date; an edit re-indexes; drafts, other people's reports and another
// department's employee find nothing; a report_reader finds all, audited.
func TestSearch(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		a1 := write(t, e, c.amyT, c.daily.ID, "完成项目进度汇报，客户满意")
		e.Clock.Advance(24 * time.Hour)
		b1 := write(t, e, c.benT, c.daily.ID, "拜访客户，讨论合同")
		a2 := write(t, e, c.amyT, c.weekly.ID, "本周项目验收 Q3 OKR")
		// A draft is not indexed.
		var draft report.Detail
		e.Must(200, "POST", "/api/v1/reports", c.danT, map[string]any{"template_id": c.daily.ID}).JSON(t, &draft)
		e.Must(200, "PUT", "/api/v1/reports/"+draft.ID, c.danT, map[string]any{"form": map[string]any{"done": "客户 项目"}, "version": draft.Version})

		// The leader sees amy's and ben's, newest first.
		if got := found(t, e, c.leadT, q("客户")); !slices.Equal(got, []string{b1.ID, a1.ID}) {
			t.Errorf("lead 客户: %v want %v", got, []string{b1.ID, a1.ID})
		}
		if got := found(t, e, c.leadT, q("项目")); !slices.Equal(got, []string{a2.ID, a1.ID}) {
			t.Errorf("lead 项目: %v", got)
		}
		if got := found(t, e, c.leadT, q("项目进度")); !slices.Equal(got, []string{a1.ID}) {
			t.Errorf("lead 项目进度: %v", got)
		}
		if got := found(t, e, c.leadT, q("进度项目")); len(got) != 0 {
			t.Errorf("lead 进度项目 (out of order): %v", got)
		}
		if got := found(t, e, c.leadT, q("okr")); !slices.Equal(got, []string{a2.ID}) {
			t.Errorf("lead okr: %v", got)
		}
		// Filters: writer, template, dates (the company zone's days).
		if got := found(t, e, c.leadT, q("客户")+"&writer_id="+c.amy.ID); !slices.Equal(got, []string{a1.ID}) {
			t.Errorf("writer filter: %v", got)
		}
		if got := found(t, e, c.leadT, q("项目")+"&template_id="+c.weekly.ID); !slices.Equal(got, []string{a2.ID}) {
			t.Errorf("template filter: %v", got)
		}
		if got := found(t, e, c.leadT, q("客户")+"&from=2026-01-06&to=2026-01-06"); !slices.Equal(got, []string{b1.ID}) {
			t.Errorf("date filter: %v", got)
		}
		if got := found(t, e, c.leadT, q("客户")+"&to=2026-01-05"); !slices.Equal(got, []string{a1.ID}) {
			t.Errorf("date filter to: %v", got)
		}
		e.Must(400, "GET", "/api/v1/reports/search?q=x&from=yesterday", c.leadT, nil)
		// The writer finds only their own; ben (same department, not a
		// recipient) finds nothing of amy's; dan (R&D) nothing at all, and
		// not his own draft; the admin nothing.
		if got := found(t, e, c.amyT, q("客户")); !slices.Equal(got, []string{a1.ID}) {
			t.Errorf("amy 客户: %v", got)
		}
		if got := found(t, e, c.benT, q("项目")); len(got) != 0 {
			t.Errorf("ben 项目: %v", got)
		}
		for _, tok := range []string{c.danT, c.admin} {
			if got := found(t, e, tok, q("客户")); len(got) != 0 {
				t.Errorf("outsider 客户: %v", got)
			}
		}
		// The index only narrows: a document whose keys wrongly name dan
		// (an index gone stale) is still not his to find, nor ben's.
		if err := e.Server.DB.Transaction(func(tx *gorm.DB) error {
			var r report.Report
			if err := tx.First(&r, "id = ?", a1.ID).Error; err != nil {
				return err
			}
			return report.IndexWithKeys(tx, r, c.dan.ID, c.ben.ID)
		}); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{c.danT, c.benT} {
			if got := found(t, e, tok, q("客户")); slices.Contains(got, a1.ID) {
				t.Errorf("a stale index key showed amy's report: %v", got)
			}
		}
		// Punctuation only or an operator finds nothing and fails nothing.
		if got := found(t, e, c.leadT, q(`"* OR (`)); len(got) != 0 {
			t.Errorf("operators: %v", got)
		}
		// An edit within the window re-indexes the text.
		var d report.Detail
		e.Must(200, "GET", "/api/v1/reports/"+a2.ID, c.amyT, nil).JSON(t, &d)
		e.Must(200, "PUT", "/api/v1/reports/"+a2.ID, c.amyT, map[string]any{"form": map[string]any{"done": "本周合同签署"}, "version": d.Version})
		if got := found(t, e, c.leadT, q("验收")); len(got) != 0 {
			t.Errorf("old text still found: %v", got)
		}
		if got := found(t, e, c.leadT, q("合同")); !slices.Equal(got, []string{a2.ID, b1.ID}) {
			t.Errorf("lead 合同 after edit: %v", got)
		}
		// A report_reader finds every submitted report; each is audited.
		e.Must(201, "POST", "/api/v1/roles", c.admin, map[string]any{"id": report.RoleReader, "name": "日志查阅"})
		var dan struct{ Version int }
		e.Must(200, "GET", "/api/v1/users/"+c.dan.ID, c.admin, nil).JSON(t, &dan)
		e.Must(200, "PATCH", "/api/v1/users/"+c.dan.ID, c.admin, map[string]any{"roles": []string{report.RoleReader}, "version": dan.Version})
		danT := e.Login(c.dan.Email, servertest.TestPassword)
		if got := found(t, e, danT, q("客户")); !slices.Equal(got, []string{b1.ID, a1.ID}) {
			t.Errorf("reader 客户: %v", got)
		}
		var n int64
		e.Server.DB.Model(&audit.Entry{}).Where("action = ? AND actor_id = ?", report.AuditSearchRead, c.dan.ID).Count(&n)
		if n != 2 {
			t.Errorf("audited %d search reads, want 2", n)
		}
	})
}
