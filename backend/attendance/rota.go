package attendance

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// ScheduleRota is the rota schedule (排班制): each person's shift per day is
// set by their department head or an attendance admin, cell by cell.
const ScheduleRota = "rota"

// FlagUnscheduled marks a rota day without a cell. As in DingTalk, a day
// nobody scheduled is a rest day (no one is marked absent for the head's
// omission), flagged so the head's sheet and the month show the gap.
const FlagUnscheduled = "unscheduled"

// maxRotaCells bounds one edit: a 500-person department's month is 15,500.
const maxRotaCells = 20000

// rotaRow is one person's day of the rota: a shift, or "" for rest.
type rotaRow struct {
	UserID    string `gorm:"primaryKey"`
	WorkDate  string `gorm:"primaryKey"`
	ShiftID   string
	UpdatedBy string
	UpdatedAt time.Time
}

func (rotaRow) TableName() string { return "attendance_rota" }

func rotaMigrations() []store.Migration {
	return []store.Migration{{ID: "attendance-rota-0001", SQL: `
CREATE TABLE attendance_rota (
	user_id TEXT NOT NULL,
	work_date TEXT NOT NULL,
	shift_id TEXT NOT NULL DEFAULT '',
	updated_by TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (user_id, work_date)
);
CREATE INDEX attendance_rota_date ON attendance_rota (work_date);
`}}
}

// RotaCell is one person's day: ShiftID a shift, "" rest; Clear removes
// the cell (the day becomes unscheduled).
type RotaCell struct {
	UserID  string `json:"user_id"`
	Date    string `json:"date"`
	ShiftID string `json:"shift_id"`
	Clear   bool   `json:"clear,omitempty"`
}

// RotaPerson is one row of the sheet.
type RotaPerson struct {
	UserID       string `json:"user_id"`
	Name         string `json:"name"`
	DepartmentID string `json:"department_id"`
	Locked       bool   `json:"locked"` // their department confirmed the month
}

// RotaShift is a shift as the sheet offers it (heads do not read the settings).
type RotaShift struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	StartMin int    `json:"start_min"`
	EndMin   int    `json:"end_min"`
}

// RotaSheet is a department's month of rota: the people of its subtree in
// rota groups, the month's days, the shifts to choose from and the cells.
type RotaSheet struct {
	DepartmentID string       `json:"department_id"`
	Month        string       `json:"month"`
	Days         []string     `json:"days"`
	People       []RotaPerson `json:"people"`
	Shifts       []RotaShift  `json:"shifts"`
	Cells        []RotaCell   `json:"cells"`
}

// RotaEdit sets cells of a department's people.
type RotaEdit struct {
	DepartmentID string     `json:"department_id"`
	Cells        []RotaCell `json:"cells"`
}

// RotaCycle fills From..To for the people with Pattern repeated (早-早-晚-晚-休:
// shift IDs, "" for rest); person i starts Offset*i into the pattern, so a
// team can be staggered.
type RotaCycle struct {
	DepartmentID string   `json:"department_id"`
	UserIDs      []string `json:"user_ids"`
	From         string   `json:"from"`
	To           string   `json:"to"`
	Pattern      []string `json:"pattern"`
	Offset       int      `json:"offset"`
}

// RotaCopy copies the previous week onto the week starting To (a date), or
// the previous month onto the month To ("2026-02", day N onto day N), for
// every person of the sheet; a source day without a cell clears the target.
type RotaCopy struct {
	DepartmentID string `json:"department_id"`
	Kind         string `json:"kind"` // week | month
	To           string `json:"to"`
}

// RotaResult says what an edit did.
type RotaResult struct {
	Cells int `json:"cells"`
}

// mayRota: heads for their subtree, managers for every department.
func mayRota(tx *gorm.DB, a identity.Actor, deptID string) error {
	if deptID == "" {
		return apperr.Invalid("attendance.invalid", "department is required").WithField("department_id", "required")
	}
	var n int64
	if err := tx.Table("departments").Where("id = ?", deptID).Count(&n).Error; err != nil {
		return fmt.Errorf("attendance: department: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	ok, err := mayDecide(tx, a, deptID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}

// rotaPeople are the active people of the department's subtree whose group
// works a rota, by name.
func (s *Service) rotaPeople(tx *gorm.DB, deptID string) ([]userRow, error) {
	depts := append(subtree(tx, deptID), deptID)
	var us []userRow
	if err := tx.Table("users").Select("id, name, department_id, active").Where("active = ? AND department_id IN ?", true, depts).
		Order("name, id").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("attendance: rota people: %w", err)
	}
	out := us[:0]
	for _, u := range us {
		g, err := s.groupOf(tx, u.ID)
		if err != nil {
			return nil, err
		}
		if g != nil && g.Schedule == ScheduleRota {
			out = append(out, u)
		}
	}
	return out, nil
}

func rotaShifts(tx *gorm.DB) ([]RotaShift, error) {
	var out []RotaShift
	if err := tx.Model(&Shift{}).Select("id, name, start_min, end_min").Order("start_min, name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("attendance: shifts: %w", err)
	}
	return out, nil
}

// Rota returns a department's month of rota (heads of it or above, managers).
func (s *Service) Rota(ctx context.Context, a identity.Actor, deptID, month string) (RotaSheet, error) {
	first, err := monthStart(s, month)
	if err != nil {
		return RotaSheet{}, err
	}
	var out RotaSheet
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := mayRota(tx, a, deptID); err != nil {
			return err
		}
		out, err = s.rotaSheet(tx, deptID, first)
		return err
	})
	return out, err
}

func (s *Service) rotaSheet(tx *gorm.DB, deptID string, first time.Time) (RotaSheet, error) {
	month := first.Format("2006-01")
	out := RotaSheet{DepartmentID: deptID, Month: month, Days: []string{}, People: []RotaPerson{}, Cells: []RotaCell{}}
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		out.Days = append(out.Days, d.Format(time.DateOnly))
	}
	us, err := s.rotaPeople(tx, deptID)
	if err != nil {
		return out, err
	}
	locks := map[string]bool{}
	ids := make([]string, 0, len(us))
	for _, u := range us {
		locked, ok := locks[u.DepartmentID]
		if !ok {
			if locked, err = monthLocked(tx, u.ID, month+"-01"); err != nil {
				return out, err
			}
			locks[u.DepartmentID] = locked
		}
		out.People = append(out.People, RotaPerson{UserID: u.ID, Name: u.Name, DepartmentID: u.DepartmentID, Locked: locked})
		ids = append(ids, u.ID)
	}
	if out.Shifts, err = rotaShifts(tx); err != nil {
		return out, err
	}
	var rs []rotaRow
	for chunk := range slices.Chunk(ids, 500) {
		var part []rotaRow
		if err := tx.Where("user_id IN ? AND work_date >= ? AND work_date <= ?", chunk, out.Days[0], out.Days[len(out.Days)-1]).
			Order("user_id, work_date").Find(&part).Error; err != nil {
			return out, fmt.Errorf("attendance: rota: %w", err)
		}
		rs = append(rs, part...)
	}
	for _, r := range rs {
		out.Cells = append(out.Cells, RotaCell{UserID: r.UserID, Date: r.WorkDate, ShiftID: r.ShiftID})
	}
	return out, nil
}

// SaveRota sets cells (heads for their subtree, managers; audited). Every
// cell is checked first; one bad cell or a locked month changes nothing.
func (s *Service) SaveRota(ctx context.Context, a identity.Actor, in RotaEdit) (RotaResult, error) {
	var out RotaResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := mayRota(tx, a, in.DepartmentID); err != nil {
			return err
		}
		fields := func(i int, _ string) string { return "cells[" + strconv.Itoa(i) + "]" }
		n, err := s.applyCells(tx, a, in.DepartmentID, in.Cells, fields, "edit")
		out.Cells = n
		return err
	})
	return out, err
}

// FillRotaCycle repeats a pattern over a date range (heads, managers; audited).
func (s *Service) FillRotaCycle(ctx context.Context, a identity.Actor, in RotaCycle) (RotaResult, error) {
	if err := mayRota(s.db.WithContext(ctx), a, in.DepartmentID); err != nil { // who before what
		return RotaResult{}, err
	}
	var v apperr.Validator
	from, okF := s.parseDate(in.From)
	to, okT := s.parseDate(in.To)
	v.Check(okF, "from", "invalid")
	v.Check(okT && !to.Before(from) && to.Sub(from) <= 62*24*time.Hour, "to", "out_of_range")
	v.Check(len(in.Pattern) >= 1 && len(in.Pattern) <= 31, "pattern", "out_of_range")
	v.Check(len(in.UserIDs) >= 1 && len(in.UserIDs) <= 2000, "user_ids", "required")
	v.Check(in.Offset >= 0 && in.Offset <= 31, "offset", "out_of_range")
	if err := v.Err("attendance.invalid", "invalid rota cycle"); err != nil {
		return RotaResult{}, err
	}
	var cells []RotaCell
	for i, u := range in.UserIDs {
		k := i * in.Offset
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			cells = append(cells, RotaCell{UserID: u, Date: d.Format(time.DateOnly), ShiftID: in.Pattern[k%len(in.Pattern)]})
			k++
		}
	}
	var out RotaResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := mayRota(tx, a, in.DepartmentID); err != nil {
			return err
		}
		// A bad cell here is a bad person or pattern entry: name the input field.
		fields := func(i int, key string) string {
			if key == "unknown_shift" {
				return "pattern[" + strconv.Itoa(slices.Index(in.Pattern, cells[i].ShiftID)) + "]"
			}
			return "user_ids[" + strconv.Itoa(slices.Index(in.UserIDs, cells[i].UserID)) + "]"
		}
		n, err := s.applyCells(tx, a, in.DepartmentID, cells, fields, "cycle")
		out.Cells = n
		return err
	})
	return out, err
}

// CopyRota copies last week or last month (heads, managers; audited).
func (s *Service) CopyRota(ctx context.Context, a identity.Actor, in RotaCopy) (RotaResult, error) {
	if err := mayRota(s.db.WithContext(ctx), a, in.DepartmentID); err != nil { // who before what
		return RotaResult{}, err
	}
	var src, dst []time.Time
	switch in.Kind {
	case "week":
		to, ok := s.parseDate(in.To)
		if !ok {
			return RotaResult{}, apperr.Invalid("attendance.invalid", "to must be a date").WithField("to", "invalid")
		}
		for i := range 7 {
			src, dst = append(src, to.AddDate(0, 0, i-7)), append(dst, to.AddDate(0, 0, i))
		}
	case "month":
		first, err := monthStart(s, in.To)
		if err != nil {
			return RotaResult{}, apperr.Invalid("attendance.invalid", "to must be YYYY-MM").WithField("to", "invalid")
		}
		prev := first.AddDate(0, -1, 0)
		for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
			sd := time.Date(prev.Year(), prev.Month(), d.Day(), 0, 0, 0, 0, s.loc)
			if sd.Month() != prev.Month() { // the 31st after a 30-day month: nothing to copy
				continue
			}
			src, dst = append(src, sd), append(dst, d)
		}
	default:
		return RotaResult{}, apperr.Invalid("attendance.invalid", "kind must be week or month").WithField("kind", "invalid")
	}
	var out RotaResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := mayRota(tx, a, in.DepartmentID); err != nil {
			return err
		}
		us, err := s.rotaPeople(tx, in.DepartmentID)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(us))
		for _, u := range us {
			ids = append(ids, u.ID)
		}
		have := map[string]string{}
		for chunk := range slices.Chunk(ids, 500) {
			var rs []rotaRow
			if err := tx.Where("user_id IN ? AND work_date >= ? AND work_date <= ?", chunk, src[0].Format(time.DateOnly),
				src[len(src)-1].Format(time.DateOnly)).Find(&rs).Error; err != nil {
				return fmt.Errorf("attendance: rota: %w", err)
			}
			for _, r := range rs {
				have[r.UserID+"/"+r.WorkDate] = r.ShiftID
			}
		}
		var cells []RotaCell
		for _, u := range ids {
			for i := range src {
				sid, ok := have[u+"/"+src[i].Format(time.DateOnly)]
				cells = append(cells, RotaCell{UserID: u, Date: dst[i].Format(time.DateOnly), ShiftID: sid, Clear: !ok})
			}
		}
		n, err := s.applyCells(tx, a, in.DepartmentID, cells, func(int, string) string { return "to" }, "copy_"+in.Kind)
		out.Cells = n
		return err
	})
	return out, err
}

// applyCells checks every cell (a person of the sheet, a date, an existing
// shift, an unlocked month), then writes them all, audits the edit once and
// derives again the days already materialised. field names a bad cell for
// the error (a JSON path, or a spreadsheet cell for an import).
func (s *Service) applyCells(tx *gorm.DB, a identity.Actor, deptID string, cells []RotaCell, field func(i int, key string) string, source string) (int, error) {
	if len(cells) == 0 {
		return 0, apperr.Invalid("attendance.invalid", "no cells to save").WithField("cells", "required")
	}
	if len(cells) > maxRotaCells {
		return 0, apperr.Invalid("attendance.invalid", "too many cells in one edit").WithField("cells", "too_many")
	}
	us, err := s.rotaPeople(tx, deptID)
	if err != nil {
		return 0, err
	}
	people := map[string]userRow{}
	for _, u := range us {
		people[u.ID] = u
	}
	shifts, err := rotaShifts(tx)
	if err != nil {
		return 0, err
	}
	known := map[string]bool{}
	for _, sh := range shifts {
		known[sh.ID] = true
	}
	today := s.midnight(s.clock.Now())
	var v apperr.Validator
	bad := 0
	check := func(ok bool, i int, key string) bool {
		if !ok && bad < 50 { // enough to fix a file by; the rest after the next try
			v.Check(false, field(i, key), key)
			bad++
		}
		return ok
	}
	locks := map[string]bool{} // department/month
	lockedAny := false
	for i, c := range cells {
		u, ok := people[c.UserID]
		if !check(ok, i, "not_rota_member") {
			continue
		}
		d, ok := s.parseDate(c.Date)
		if !check(ok && d.Sub(today) < 400*24*time.Hour && today.Sub(d) < 400*24*time.Hour, i, "bad_date") {
			continue
		}
		if !check(c.Clear || c.ShiftID == "" || known[c.ShiftID], i, "unknown_shift") {
			continue
		}
		k := u.DepartmentID + "/" + c.Date[:7]
		locked, seen := locks[k]
		if !seen {
			if locked, err = monthLocked(tx, u.ID, c.Date); err != nil {
				return 0, err
			}
			locks[k] = locked
		}
		lockedAny = lockedAny || locked
	}
	if err := v.Err("attendance.rota_invalid", "some rota cells are not valid; nothing was saved"); err != nil {
		return 0, err
	}
	if lockedAny {
		return 0, ErrMonthLocked
	}
	now := s.clock.Now()
	months := map[string]bool{}
	recompute := map[[2]string]bool{}
	last := map[[2]string]int{} // a cell named twice: the later wins
	for i, c := range cells {
		last[[2]string{c.UserID, c.Date}] = i
	}
	var upserts []rotaRow
	var clears [][2]string
	for i, c := range cells {
		k := [2]string{c.UserID, c.Date}
		if last[k] != i {
			continue
		}
		months[c.Date[:7]] = true
		if c.Clear {
			clears = append(clears, k)
		} else {
			upserts = append(upserts, rotaRow{UserID: c.UserID, WorkDate: c.Date, ShiftID: c.ShiftID, UpdatedBy: a.UserID, UpdatedAt: now})
		}
		if d, _ := s.parseDate(c.Date); !d.After(today) {
			recompute[k] = true
		}
	}
	for _, k := range clears {
		if err := tx.Where("user_id = ? AND work_date = ?", k[0], k[1]).Delete(&rotaRow{}).Error; err != nil {
			return 0, fmt.Errorf("attendance: rota: %w", err)
		}
	}
	if len(upserts) > 0 {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}, {Name: "work_date"}},
			DoUpdates: clause.AssignmentColumns([]string{"shift_id", "updated_by", "updated_at"})}).CreateInBatches(upserts, 200).Error; err != nil {
			return 0, fmt.Errorf("attendance: rota: %w", err)
		}
	}
	ms := make([]string, 0, len(months))
	for m := range months {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	if err := record(tx, a, "rota.save", "department", deptID, map[string]any{"source": source, "cells": len(cells), "months": ms}); err != nil {
		return 0, err
	}
	// Past days and today are materialised: their results follow the rota now.
	for k := range recompute {
		if _, err := s.recompute(tx, k[0], k[1]); err != nil {
			return 0, err
		}
	}
	return len(cells), nil
}
