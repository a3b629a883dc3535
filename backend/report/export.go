package report

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/approval"
	"tack/backend/identity"
)

var stateText = map[string][2]string{
	StateMissing: {"未提交", "Missing"},
	StatePending: {"待提交", "Not yet due"},
	StateLate:    {"迟交", "Late"},
	StateOnTime:  {"按时", "On time"},
	StateExempt:  {"免交", "Exempt"},
}

// MissingXLSX writes the actor's Missing view of a template and period as
// an Excel workbook in lang ("zh"/"en"): one row per expected writer, in
// the view's order (missing first). Names are written as text cells, never
// formulas. Whoever leads nobody gets the header alone.
func (s *Service) MissingXLSX(ctx context.Context, actor identity.Actor, templateID, period, lang string, w io.Writer) error {
	v, err := s.Missing(ctx, actor, templateID, period)
	if err != nil {
		return err
	}
	t, err := s.template(s.db.WithContext(ctx), templateID)
	if err != nil {
		return err
	}
	en := approval.NormLang(lang) == approval.LangEn
	pick := func(zh, e string) string {
		if en && e != "" {
			return e
		}
		return zh
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return err
	}
	deptName := map[string]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	loc := s.cal.Location()
	x := excelize.NewFile()
	defer x.Close()
	sheet := pick("未交名单", "Not written")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}})
	if err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	for i, width := range []float64{16, 20, 12, 18, 24, 14} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fmt.Errorf("report: xlsx: %w", err)
		}
	}
	head := []string{pick("姓名", "Name"), pick("部门", "Department"), pick("状态", "State"), pick("提交时间", "Submitted at"),
		pick("模板", "Template"), pick("周期", "Period")}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	for i, r := range v.Rows {
		st := stateText[r.State]
		state := pick(st[0], st[1])
		if r.Exempt == ExemptLeave {
			state += pick("（请假）", " (leave)")
		}
		submitted := ""
		if r.SubmittedAt != nil {
			submitted = r.SubmittedAt.In(loc).Format(time.DateTime)
		}
		// Strings, so a name like "=1+1" stays text.
		row := []any{r.Name, deptName[r.DepartmentID], state, submitted, pick(t.NameZh, t.NameEn), v.Period}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("report: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	return x.Write(w)
}
