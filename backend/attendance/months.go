package attendance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
)

// Month report statuses.
const (
	MonthOpen      = "open"      // compiled, waiting for the head
	MonthReturned  = "returned"  // the head sent corrections back
	MonthConfirmed = "confirmed" // locked: corrections need an administrator
)

// ErrMonthLocked refuses a change to a confirmed month.
var ErrMonthLocked = apperr.Conflict("attendance.month_locked",
	"this month was confirmed by the department head and is locked; only an administrator may still correct it")

// MonthReport is one department's month (attendance_months): compiled on the
// 1st by the days job, confirmed or sent back by the department's head.
type MonthReport struct {
	DepartmentID string     `gorm:"primaryKey" json:"department_id"`
	Month        string     `gorm:"primaryKey" json:"month"`
	Name         string     `gorm:"-" json:"name"`
	Status       string     `json:"status"`
	DueOn        string     `json:"due_on"`
	Comment      string     `json:"comment"`
	ConfirmedBy  string     `json:"confirmed_by"`
	ConfirmedAt  *time.Time `json:"confirmed_at"`
	ChainSeq     int64      `json:"chain_seq"`  // the chain's head when confirmed
	ChainHash    string     `json:"chain_hash"` // ... and its hash
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// TableName keeps the table name stable.
func (MonthReport) TableName() string { return "attendance_months" }

// MonthRow is one person's month.
type MonthRow struct {
	UserID          string         `json:"user_id"`
	Name            string         `json:"name"`
	DaysDue         int            `json:"days_due"`
	DaysWorked      int            `json:"days_worked"`
	LateCount       int            `json:"late_count"`
	LateMinutes     int            `json:"late_minutes"`
	EarlyCount      int            `json:"early_count"`
	EarlyMinutes    int            `json:"early_minutes"`
	MissingCount    int            `json:"missing_count"`
	AbsentDays      int            `json:"absent_days"`
	FieldDays       int            `json:"field_days"`
	LeaveMinutes    map[string]int `json:"leave_minutes"` // by leave type
	OvertimeMinutes int            `json:"overtime_minutes"`
	MakeupUsed      int            `json:"makeup_used"`
	Days            []Day          `json:"days,omitempty"` // the daily detail (export)
}

// MonthSheet is a department's month as the head reads it.
type MonthSheet struct {
	Report    MonthReport `json:"report"`
	Rows      []MonthRow  `json:"rows"`
	Locked    bool        `json:"locked"`
	CanDecide bool        `json:"can_decide"` // the actor may confirm or send back
}

func summarise(u userRow, days []Day, makeups int) MonthRow {
	r := MonthRow{UserID: u.ID, Name: u.Name, LeaveMinutes: map[string]int{}, MakeupUsed: makeups, Days: days}
	for _, d := range days {
		if d.DayType == DayWork {
			r.DaysDue++
		}
		if d.FirstIn != nil || d.LastOut != nil {
			r.DaysWorked++
		}
		if d.LateMinutes > 0 {
			r.LateCount++
			r.LateMinutes += d.LateMinutes
		}
		if d.EarlyMinutes > 0 {
			r.EarlyCount++
			r.EarlyMinutes += d.EarlyMinutes
		}
		if d.Status == StatusMissing {
			r.MissingCount++
		}
		if d.Status == StatusAbsent {
			r.AbsentDays++
		}
		if slices.Contains(d.Flags, FlagField) {
			r.FieldDays++
		}
		if d.LeaveMinutes > 0 && d.LeaveType != "" {
			r.LeaveMinutes[d.LeaveType] += d.LeaveMinutes
		}
		r.OvertimeMinutes += d.OvertimeMinutes
	}
	return r
}

func monthStart(s *Service, month string) (time.Time, error) {
	first, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil {
		return first, apperr.Invalid("attendance.invalid", "month must be YYYY-MM").WithField("month", "invalid")
	}
	return first, nil
}

// deptName reads a department's name.
func deptName(tx *gorm.DB, id string) string {
	var names []string
	tx.Table("departments").Where("id = ?", id).Pluck("name", &names)
	if len(names) == 1 {
		return names[0]
	}
	return id
}

// mayDecide: the department's head (or the head of one above it) and managers.
func mayDecide(tx *gorm.DB, a identity.Actor, deptID string) (bool, error) {
	if IsManager(a) {
		return true, nil
	}
	heads, err := headedDepartments(tx, a.UserID)
	return slices.Contains(heads, deptID), err
}

// monthLocked reports whether userID's department has confirmed the month of date.
func monthLocked(tx *gorm.DB, userID, date string) (bool, error) {
	if len(date) < 7 {
		return false, nil
	}
	u, err := loadUser(tx, userID)
	if err != nil || u.DepartmentID == "" {
		return false, nil
	}
	var n int64
	if err := tx.Model(&MonthReport{}).Where("department_id = ? AND month = ? AND status = ?", u.DepartmentID, date[:7], MonthConfirmed).
		Count(&n).Error; err != nil {
		return false, fmt.Errorf("attendance: month lock: %w", err)
	}
	return n > 0, nil
}

// compileMonth creates a department's month report (the days job, on the
// 1st) and tells its head. It is called once per department and month.
func (s *Service) compileMonth(tx *gorm.DB, deptID, month string, set Settings, now time.Time) error {
	first, err := monthStart(s, month)
	if err != nil {
		return err
	}
	due := first.AddDate(0, 1, max(set.ConfirmByDay, 1)-1).Format(time.DateOnly)
	rep := MonthReport{DepartmentID: deptID, Month: month, Status: MonthOpen, DueOn: due, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&rep).Error; err != nil {
		return fmt.Errorf("attendance: month: %w", err)
	}
	var heads []deptRow
	if err := tx.Table("departments").Select("id, parent_id, head_id").Where("id = ?", deptID).Find(&heads).Error; err != nil {
		return fmt.Errorf("attendance: month head: %w", err)
	}
	if len(heads) != 1 || heads[0].HeadID == nil || *heads[0].HeadID == "" {
		return nil // no head: the attendance admins see it in the list
	}
	return notify.Emit(tx, &notify.Event{Type: event.AttendanceMonthReady, SubjectType: "attendance_month", SubjectID: deptID + ":" + month,
		ActorID: org.System.UserID, Recipients: []string{*heads[0].HeadID},
		Data: event.Data(event.AttendanceMonth{Title: deptName(tx, deptID) + " " + month, Link: "/attendance/months?month=" + month + "&department=" + deptID,
			Month: month, DepartmentID: deptID, DueOn: due})})
}

// compileDue compiles last month for every department with active people
// once the new month has begun (the days job). Only people who had joined
// before this month count: a department whose people all joined since has
// no last month to confirm, and its head is not asked to.
func (s *Service) compileDue(tx *gorm.DB, set Settings, now time.Time) (int, error) {
	first := s.midnight(now)
	first = first.AddDate(0, 0, 1-first.Day())
	month := first.AddDate(0, -1, 0).Format("2006-01")
	var depts []string
	if err := tx.Table("users").Distinct("department_id").Where("active = ? AND department_id <> '' AND created_at < ?", true, first.UTC()).
		Pluck("department_id", &depts).Error; err != nil {
		return 0, fmt.Errorf("attendance: month departments: %w", err)
	}
	slices.Sort(depts)
	n := 0
	for _, d := range depts {
		ok, err := once(tx, "month:"+d+":"+month, now)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		if err := s.compileMonth(tx, d, month, set, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Months lists the month reports of month the actor may decide on (heads:
// their departments; managers: all).
func (s *Service) Months(ctx context.Context, a identity.Actor, month string) ([]MonthReport, error) {
	if _, err := monthStart(s, month); err != nil {
		return nil, err
	}
	out := []MonthReport{}
	err := s.write(ctx, func(tx *gorm.DB) error {
		q := tx.Where("month = ?", month)
		if !IsManager(a) {
			heads, err := headedDepartments(tx, a.UserID)
			if err != nil {
				return err
			}
			if len(heads) == 0 {
				return ErrForbidden
			}
			q = q.Where("department_id IN ?", heads)
		}
		if err := q.Order("department_id").Find(&out).Error; err != nil {
			return fmt.Errorf("attendance: months: %w", err)
		}
		for i := range out {
			out[i].Name = deptName(tx, out[i].DepartmentID)
		}
		return nil
	})
	return out, err
}

// MonthSheet compiles a department's month: per person the totals and the
// daily detail. A department without a report yet (before the 1st, or a
// manager looking at the current month) is compiled on the fly, open.
func (s *Service) MonthSheet(ctx context.Context, a identity.Actor, deptID, month string) (MonthSheet, error) {
	first, err := monthStart(s, month)
	if err != nil {
		return MonthSheet{}, err
	}
	var out MonthSheet
	err = s.write(ctx, func(tx *gorm.DB) error {
		ok, err := mayDecide(tx, a, deptID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		rep, err := loadMonth(tx, deptID, month)
		if errors.Is(err, ErrNotFound) {
			rep = MonthReport{DepartmentID: deptID, Month: month, Status: MonthOpen}
		} else if err != nil {
			return err
		}
		rep.Name = deptName(tx, deptID)
		out = MonthSheet{Report: rep, Rows: []MonthRow{}, Locked: rep.Status == MonthConfirmed, CanDecide: rep.Version > 0}
		var us []monthPerson
		if err := tx.Table("users").Select("id, name, department_id, active, created_at").Where("active = ? AND department_id = ?", true, deptID).
			Order("name, id").Find(&us).Error; err != nil {
			return fmt.Errorf("attendance: month people: %w", err)
		}
		// Everyone's days at once (days_set.go), not a query set per person.
		days, err := s.monthSet(tx, deptID, us, first)
		if err != nil {
			return err
		}
		used, err := makeupsUsed(tx, deptID, month)
		if err != nil {
			return err
		}
		for i, u := range us {
			out.Rows = append(out.Rows, summarise(u.row(), days[i], used[u.ID]))
		}
		return nil
	})
	return out, err
}

func loadMonth(tx *gorm.DB, deptID, month string) (MonthReport, error) {
	var rep MonthReport
	err := tx.Where("department_id = ? AND month = ?", deptID, month).Take(&rep).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return rep, ErrNotFound
	}
	if err != nil {
		return rep, fmt.Errorf("attendance: month: %w", err)
	}
	return rep, nil
}

// MonthDecision confirms a month or sends it back with corrections.
type MonthDecision struct {
	Version int    `json:"version"`
	Comment string `json:"comment"`
}

// DecideMonth confirms (confirm true: the month locks, the chain's head is
// kept with it) or sends back (a comment is required: what to correct) a
// department's month. Heads of the department and managers; audited.
func (s *Service) DecideMonth(ctx context.Context, a identity.Actor, deptID, month string, confirm bool, in MonthDecision) (MonthReport, error) {
	if _, err := monthStart(s, month); err != nil {
		return MonthReport{}, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if !confirm && (in.Comment == "" || len([]rune(in.Comment)) > 2000) {
		return MonthReport{}, apperr.Invalid("attendance.invalid", "say what must be corrected").WithField("comment", "required")
	}
	var out MonthReport
	err := s.write(ctx, func(tx *gorm.DB) error {
		ok, err := mayDecide(tx, a, deptID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		rep, err := loadMonth(tx, deptID, month)
		if err != nil {
			return err
		}
		if rep.Status == MonthConfirmed {
			return ErrMonthLocked
		}
		now := s.clock.Now()
		upd := map[string]any{"comment": in.Comment, "version": rep.Version + 1, "updated_at": now}
		action := "month.return"
		if confirm {
			var head chainHead
			if err := tx.Where("id = 1").Take(&head).Error; err != nil {
				return fmt.Errorf("attendance: chain head: %w", err)
			}
			upd["status"], upd["confirmed_by"], upd["confirmed_at"], upd["chain_seq"], upd["chain_hash"] = MonthConfirmed, a.UserID, now, head.Seq, head.Hash
			action = "month.confirm"
		} else {
			upd["status"] = MonthReturned
		}
		res := tx.Model(&MonthReport{}).Where("department_id = ? AND month = ? AND version = ?", deptID, month, in.Version).Updates(upd)
		if res.Error != nil {
			return fmt.Errorf("attendance: month: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		if err := record(tx, a, action, "attendance_month", deptID+":"+month, map[string]any{"comment": in.Comment}); err != nil {
			return err
		}
		out, err = loadMonth(tx, deptID, month)
		out.Name = deptName(tx, deptID)
		return err
	})
	return out, err
}
