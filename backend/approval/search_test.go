package approval_test

import (
	"net/url"
	"testing"

	"tack/backend/approval"
	"tack/backend/server/servertest"
)

// The search box matches % and _ literally, on both databases (issue 12, item 20).
func TestSearchMatchesWildcardsLiterally(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		tpl := mkTemplate(t, e, c, []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, "")},
			func(in *approval.TemplateInput) {
				in.Fields = []approval.Field{{Key: "item", Type: approval.FieldText, LabelZh: "物品", Required: true, Title: true}}
			})
		for _, item := range []string{"100% cotton", "100 pens", "a_b test", "axb test", `back\slash`} {
			submit(t, e, c.emp, tpl, map[string]any{"item": item}, nil)
		}
		for q, want := range map[string]int{"100%": 1, "100": 2, "a_b": 1, "%": 1, "_": 1, `\`: 1, `k\s`: 1} {
			var page struct{ Items []approval.ListItem }
			e.Must(200, "GET", "/api/v1/approvals?box=mine&q="+url.QueryEscape(q), c.empT, nil).JSON(t, &page)
			if len(page.Items) != want {
				var titles []string
				for _, it := range page.Items {
					titles = append(titles, it.Title)
				}
				t.Errorf("q=%q found %d %q, want %d", q, len(page.Items), titles, want)
			}
		}
	})
}
