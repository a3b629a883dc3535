package approval

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/identity"
	"tack/backend/safecsv"
)

// maxExportRows bounds one export.
const maxExportRows = 100000

// statusText is an instance status as people read it.
func statusText(status, lang string) string {
	zh, en := map[string]string{StatusPending: "审批中", StatusApproved: "已通过", StatusRejected: "已拒绝", StatusWithdrawn: "已撤销"}[status],
		map[string]string{StatusPending: "Pending", StatusApproved: "Approved", StatusRejected: "Rejected", StatusWithdrawn: "Withdrawn"}[status]
	if zh == "" {
		return status
	}
	return pick(lang, zh, en)
}

// taskText is what an approver did, for the export's record column.
func taskText(status, lang string) string {
	zh, en := map[string]string{TaskApproved: "同意", TaskRejected: "拒绝", TaskTransferred: "转交", TaskReturned: "退回", TaskPending: "审批中"}[status],
		map[string]string{TaskApproved: "approved", TaskRejected: "rejected", TaskTransferred: "transferred", TaskReturned: "returned", TaskPending: "pending"}[status]
	if zh == "" {
		return status
	}
	return pick(lang, zh, en)
}

// exportSheet is the table an export writes: a header and rows of text.
type exportSheet struct {
	header []string
	rows   [][]string
	wide   map[int]bool // columns with long, wrapped text
	number map[int]bool // columns written as numbers in XLSX
}

// exportTable builds the rows of the filtered list in lang. Filtered to one
// template, every form field gets its own column (labels of the template's
// current version; values read with each instance's own version); otherwise
// one column holds the whole form as "label: value" lines.
func (s *Service) exportTable(ctx context.Context, actor identity.Actor, f ListFilter, lang string) (exportSheet, error) {
	lang = NormLang(lang)
	if f.Box == "" {
		f.Box, _ = s.archiveBox(ctx, actor)
	}
	var cols []Field
	if f.TemplateID != "" {
		_, v, err := s.templateWithVersion(ctx, f.TemplateID, 0)
		if err != nil {
			return exportSheet{}, err
		}
		cols = v.Fields
	}
	sh := exportSheet{wide: map[int]bool{2: true}, number: map[int]bool{8: true}}
	if lang == LangEn {
		sh.header = []string{"Number", "Type", "Title", "Applicant", "Department", "Status", "Submitted", "Finished", "Hours to finish", "Approvals"}
	} else {
		sh.header = []string{"审批编号", "审批类型", "标题", "申请人", "申请人部门", "审批状态", "提交时间", "完成时间", "历时（小时）", "审批记录"}
	}
	recordCol := len(sh.header) - 1
	sh.wide[recordCol] = true
	if cols == nil {
		sh.header = append(sh.header, pick(lang, "表单内容", "Form"))
		sh.wide[len(sh.header)-1] = true
	}
	for _, c := range cols {
		sh.header = append(sh.header, pick(lang, c.LabelZh, c.LabelEn))
		if c.Type == FieldTable || c.Type == FieldTextarea {
			sh.wide[len(sh.header)-1] = true
		}
	}

	depts, err := s.org.Departments(ctx)
	if err != nil {
		return sh, err
	}
	deptName := map[string]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	versions := map[string][]Field{}
	f.Limit, f.Cursor = 200, ""
	for {
		items, next, err := s.exportList(ctx, actor, f)
		if err != nil {
			return sh, err
		}
		if err := s.exportPage(ctx, items, cols, lang, deptName, versions, &sh); err != nil {
			return sh, err
		}
		if next == "" || len(sh.rows) >= maxExportRows {
			return sh, nil
		}
		f.Cursor = next
	}
}

func (s *Service) exportPage(ctx context.Context, items []exportItem, cols []Field, lang string, deptName map[string]string, versions map[string][]Field, sh *exportSheet) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	forms := make([]map[string]any, len(items))
	for i, it := range items {
		ids[i] = it.ID
		forms[i] = it.Form
		if _, ok := versions[it.TemplateVersionID]; !ok {
			var v TemplateVersion
			if err := s.db.WithContext(ctx).First(&v, "id = ?", it.TemplateVersionID).Error; err != nil {
				return fmt.Errorf("approval: export version: %w", err)
			}
			versions[it.TemplateVersionID] = v.Fields
		}
	}
	var tasks []Task
	if err := s.db.WithContext(ctx).Where("instance_id IN ? AND kind = ? AND status IN ?", ids, KindApprove,
		[]string{TaskApproved, TaskRejected, TaskTransferred, TaskReturned, TaskPending}).Order("node_index, acted_at, id").Find(&tasks).Error; err != nil {
		return fmt.Errorf("approval: export tasks: %w", err)
	}
	uids := make([]string, 0, len(tasks))
	byInst := map[string][]Task{}
	for _, t := range tasks {
		uids = append(uids, t.AssigneeID)
		byInst[t.InstanceID] = append(byInst[t.InstanceID], t)
	}
	users, err := s.org.UsersByID(ctx, uniq(uids))
	if err != nil {
		return err
	}
	// One lookup of the people and departments every form of the page names.
	var allFields []Field
	for _, fs := range versions {
		allFields = append(allFields, fs...)
	}
	names, err := s.namesFor(ctx, allFields, forms...)
	if err != nil {
		return err
	}
	for _, it := range items {
		fields := versions[it.TemplateVersionID]
		fin, hours := "", ""
		if it.FinishedAt != nil {
			fin = it.FinishedAt.In(s.loc).Format(time.DateTime)
			hours = strconv.FormatFloat(it.FinishedAt.Sub(it.SubmittedAt).Hours(), 'f', 1, 64)
		}
		var record []string
		for _, t := range byInst[it.ID] {
			line := users[t.AssigneeID].Name + " " + taskText(t.Status, lang)
			if t.ActedAt != nil && t.Status != TaskPending {
				line += " " + t.ActedAt.In(s.loc).Format("2006-01-02 15:04")
			}
			if t.Comment != "" {
				line += pick(lang, "：", ": ") + t.Comment
			}
			record = append(record, line)
		}
		row := []string{it.Number, pick(lang, it.TemplateName, it.TemplateNameEn), pick(lang, it.Title, it.TitleEn), it.ApplicantName,
			deptName[it.DepartmentID], statusText(it.Status, lang), it.SubmittedAt.In(s.loc).Format(time.DateTime), fin, hours,
			strings.Join(record, "\n")}
		if cols == nil {
			var lines []string
			for _, fl := range fields {
				if v := DisplayValue(fl, it.Form[fl.Key], lang, names); v != "" {
					if fl.Type == FieldTable {
						v = "\n" + v
					}
					lines = append(lines, pick(lang, fl.LabelZh, fl.LabelEn)+pick(lang, "：", ": ")+v)
				}
			}
			row = append(row, strings.Join(lines, "\n"))
		}
		for _, c := range cols {
			var v string
			for _, fl := range fields {
				if fl.Key == c.Key {
					v = DisplayValue(fl, it.Form[fl.Key], lang, names)
				}
			}
			row = append(row, v)
		}
		sh.rows = append(sh.rows, row)
	}
	return nil
}

// ExportCSV writes the filtered list as CSV with a UTF-8 BOM (so Excel reads
// the Chinese), in lang.
func (s *Service) ExportCSV(ctx context.Context, actor identity.Actor, f ListFilter, lang string, w io.Writer) error {
	sh, err := s.exportTable(ctx, actor, f, lang)
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := safecsv.NewWriter(w) // form values are typed by employees: no formulas
	_ = cw.Write(sh.header)
	for _, r := range sh.rows {
		_ = cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// ExportXLSX writes the filtered list as an Excel workbook in lang: a bold,
// frozen header row, sensible column widths, long text wrapped.
func (s *Service) ExportXLSX(ctx context.Context, actor identity.Actor, f ListFilter, lang string, w io.Writer) error {
	sh, err := s.exportTable(ctx, actor, f, lang)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := pick(NormLang(lang), "审批", "Approvals")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}})
	if err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	top, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	for i := range sh.header {
		width := 16.0
		if sh.wide[i] {
			width = 40
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fmt.Errorf("approval: xlsx: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	head := make([]any, len(sh.header))
	for j, c := range sh.header {
		head[j] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	for i, r := range sh.rows {
		vals := make([]any, len(r))
		for j, c := range r {
			st := top
			if sh.wide[j] {
				st = wrap
			}
			var val any = c
			if n, err := strconv.ParseFloat(c, 64); err == nil && sh.number[j] {
				val = n
			}
			vals[j] = excelize.Cell{StyleID: st, Value: val}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("approval: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	return x.Write(w)
}
