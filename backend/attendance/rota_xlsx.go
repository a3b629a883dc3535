package attendance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// MaxRotaFileBytes bounds an uploaded rota: a 500-person month is ~100 KB.
const MaxRotaFileBytes = 4 << 20

// ErrRotaFile refuses an upload that is not a readable XLSX rota.
var ErrRotaFile = apperr.Invalid("attendance.rota_file_invalid",
	"the file is not a rota spreadsheet: download the template, fill it in and upload it as .xlsx")

// restWords are what a cell may say for a rest day (both languages).
var restWords = []string{"休", "休息", "rest", "off"}

// The template: column A the person's ID (the key; names repeat), B the
// name (for reading only), then one column per day of the month headed by
// its date. Cells hold a shift's name (or ID), 休 / rest, or nothing (no
// rota that day). A second sheet lists the shifts; cells offer them as a
// drop-down.
const rotaFirstDayCol = 3

// RotaTemplateXLSX writes a department's month as the rota template,
// filled with the current cells (download, edit, upload back).
func (s *Service) RotaTemplateXLSX(ctx context.Context, a identity.Actor, deptID, month, lang string, w io.Writer) error {
	sheet, err := s.Rota(ctx, a, deptID, month)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, sh := range sheet.Shifts {
		names[sh.ID] = sh.Name
	}
	cells := map[string]string{}
	for _, c := range sheet.Cells {
		v := names[c.ShiftID]
		if c.ShiftID == "" {
			v = pick(lang, "休", "rest")
		}
		cells[c.UserID+"/"+c.Date] = v
	}
	x := excelize.NewFile()
	defer x.Close()
	main := pick(lang, "排班", "Rota")
	list := pick(lang, "班次", "Shifts")
	if err := x.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	if _, err := x.NewSheet(list); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}})
	if err != nil {
		return err
	}
	head := []any{pick(lang, "人员ID", "Person ID"), pick(lang, "姓名", "Name")}
	for _, d := range sheet.Days {
		head = append(head, d)
	}
	if err := x.SetSheetRow(main, "A1", &head); err != nil {
		return err
	}
	for i, p := range sheet.People {
		row := []any{p.UserID, p.Name}
		for _, d := range sheet.Days {
			row = append(row, cells[p.UserID+"/"+d])
		}
		if err := x.SetSheetRow(main, fmt.Sprintf("A%d", i+2), &row); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(rotaFirstDayCol + len(sheet.Days) - 1)
	if err := x.SetCellStyle(main, "A1", lastCol+"1", bold); err != nil {
		return err
	}
	_ = x.SetColWidth(main, "A", "A", 28)
	_ = x.SetColWidth(main, "B", "B", 12)
	firstCol, _ := excelize.ColumnNumberToName(rotaFirstDayCol)
	_ = x.SetColWidth(main, firstCol, lastCol, 11)
	_ = x.SetPanes(main, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: firstCol + "2", ActivePane: "bottomRight"})
	// The shift list, and the drop-down on every day cell.
	lh := []any{pick(lang, "班次", "Shift"), pick(lang, "时间", "Hours")}
	if err := x.SetSheetRow(list, "A1", &lh); err != nil {
		return err
	}
	_ = x.SetCellStyle(list, "A1", "B1", bold)
	rest := []any{pick(lang, "休", "rest"), pick(lang, "休息", "rest day")}
	if err := x.SetSheetRow(list, "A2", &rest); err != nil {
		return err
	}
	for i, sh := range sheet.Shifts {
		r := []any{sh.Name, clockText(sh.StartMin) + "–" + clockText(sh.EndMin)}
		if err := x.SetSheetRow(list, fmt.Sprintf("A%d", i+3), &r); err != nil {
			return err
		}
	}
	_ = x.SetColWidth(list, "A", "A", 24)
	if len(sheet.People) > 0 {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", firstCol, lastCol, len(sheet.People)+1)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$A$2:$A$%d", list, len(sheet.Shifts)+2))
		if err := x.AddDataValidation(main, dv); err != nil {
			return err
		}
	}
	return x.Write(w)
}

func clockText(m int) string {
	if m >= 24*60 {
		return fmt.Sprintf("次日%02d:%02d", (m-24*60)/60, m%60)
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// ImportRotaXLSX reads an uploaded template and saves every cell of the
// month for the people it lists (heads, managers; audited), all or
// nothing: any bad cell refuses the file with the spreadsheet cells named
// (attendance.rota_invalid, fields "D5": "unknown_shift", ...), and nothing
// changes. An empty cell clears the day.
func (s *Service) ImportRotaXLSX(ctx context.Context, a identity.Actor, deptID, month string, r io.Reader) (RotaResult, error) {
	first, err := monthStart(s, month)
	if err != nil {
		return RotaResult{}, err
	}
	if err := mayRota(s.db.WithContext(ctx), a, deptID); err != nil { // who before what
		return RotaResult{}, err
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxRotaFileBytes+1))
	if err != nil {
		return RotaResult{}, fmt.Errorf("attendance: rota upload: %w", err)
	}
	if len(raw) > MaxRotaFileBytes {
		return RotaResult{}, apperr.TooLarge("attendance.rota_file_too_large", "the rota file is larger than 4 MB")
	}
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		return RotaResult{}, ErrRotaFile
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return RotaResult{}, ErrRotaFile
	}
	rows, err := x.GetRows(sheets[0])
	if err != nil || len(rows) < 1 || len(rows) > 5001 {
		return RotaResult{}, ErrRotaFile
	}
	var out RotaResult
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := mayRota(tx, a, deptID); err != nil {
			return err
		}
		us, err := s.rotaPeople(tx, deptID)
		if err != nil {
			return err
		}
		people := map[string]bool{}
		for _, u := range us {
			people[u.ID] = true
		}
		cells, refs, err := s.parseRotaRows(tx, rows, first, people)
		if err != nil {
			return err
		}
		n, err := s.applyCells(tx, a, deptID, cells, func(i int, _ string) string { return refs[i] }, "import")
		out.Cells = n
		return err
	})
	return out, err
}

// parseRotaRows turns the sheet's rows into cells, naming each cell's
// spreadsheet reference; every problem of the file (headers, people not on
// the department's rota, values) is reported at once.
func (s *Service) parseRotaRows(tx *gorm.DB, rows [][]string, first time.Time, people map[string]bool) ([]RotaCell, []string, error) {
	shifts, err := rotaShifts(tx)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string][]string{}
	for _, sh := range shifts {
		k := strings.ToLower(strings.TrimSpace(sh.Name))
		byName[k] = append(byName[k], sh.ID)
		byName[strings.ToLower(sh.ID)] = append(byName[strings.ToLower(sh.ID)], sh.ID)
	}
	var v apperr.Validator
	bad := 0
	fail := func(ref, key string) {
		if bad < 50 {
			v.Check(false, ref, key)
			bad++
		}
	}
	ref := func(col, row int) string {
		n, _ := excelize.CoordinatesToCellName(col, row)
		return n
	}
	// Header: a date of this month per day column (a date cell may come
	// back as text "2026-01-05", or as Excel shows it, "1/5/26").
	dates := map[int]string{}
	for i, h := range rows[0] {
		col := i + 1
		if col < rotaFirstDayCol {
			continue
		}
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		d, ok := s.headerDate(h, first)
		if !ok {
			fail(ref(col, 1), "bad_date")
			continue
		}
		dates[col] = d
	}
	if len(dates) == 0 && v.Valid() {
		fail("A1", "no_days")
	}
	var cells []RotaCell
	var refs []string
	seen := map[string]bool{}
	for ri, row := range rows[1:] {
		rn := ri + 2
		if len(row) == 0 || strings.TrimSpace(row[0]) == "" {
			empty := true
			for _, c := range row {
				empty = empty && strings.TrimSpace(c) == ""
			}
			if !empty {
				fail(ref(1, rn), "missing_person")
			}
			continue
		}
		uid := strings.TrimSpace(row[0])
		if seen[uid] {
			fail(ref(1, rn), "duplicate_person")
			continue
		}
		seen[uid] = true
		if !people[uid] {
			fail(ref(1, rn), "not_rota_member")
			continue
		}
		for col, d := range dates {
			val := ""
			if col-1 < len(row) {
				val = strings.TrimSpace(row[col-1])
			}
			c := RotaCell{UserID: uid, Date: d}
			switch ids := byName[strings.ToLower(val)]; {
			case val == "":
				c.Clear = true
			case isRestWord(val):
			case len(ids) == 1:
				c.ShiftID = ids[0]
			case len(ids) > 1:
				fail(ref(col, rn), "ambiguous_shift")
				continue
			default:
				fail(ref(col, rn), "unknown_shift")
				continue
			}
			cells = append(cells, c)
			refs = append(refs, ref(col, rn))
		}
	}
	if err := v.Err("attendance.rota_invalid", "some rota cells are not valid; nothing was saved"); err != nil {
		return nil, nil, err
	}
	if len(cells) == 0 {
		return nil, nil, apperr.Invalid("attendance.rota_invalid", "the file lists nobody").WithField("A2", "missing_person")
	}
	return cells, refs, nil
}

func isRestWord(v string) bool {
	for _, w := range restWords {
		if strings.EqualFold(v, w) {
			return true
		}
	}
	return false
}

// headerDate reads a day column's header as a date of the month.
func (s *Service) headerDate(h string, first time.Time) (string, bool) {
	for _, layout := range []string{time.DateOnly, "2006/01/02", "2006/1/2", "1/2/06", "01-02-06", "1-2-06"} {
		if t, err := time.ParseInLocation(layout, h, s.loc); err == nil {
			if t.Year() == first.Year() && t.Month() == first.Month() {
				return t.Format(time.DateOnly), true
			}
			return "", false
		}
	}
	return "", false
}
