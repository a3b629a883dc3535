package attendance

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/identity"
	"tack/backend/store"
)

// Leave balances: annual leave (年假) by seniority and time off in lieu
// (调休) earned by overtime. A leave request of either type is checked at
// submit against what is left (pending requests count as taken) and kept
// in attendance_leave_claims; a request that does not end approved gives
// its time back. Each year's working days count against that year: a leave
// from 30 December to 2 January is two claims, one per year.

// ErrLeaveBalance refuses a leave request longer than what is left.
var ErrLeaveBalance = apperr.Invalid("attendance.leave_balance_exceeded", "the request is longer than the leave you have left")

const (
	leaveAnnual = "annual"
	leaveComp   = "compensatory"
	halfDayMins = 4 * 60 // a half day of 调休 is 4 hours of overtime
)

type leaveClaim struct {
	ApprovalID string `gorm:"primaryKey"`
	UserID     string
	Year       int `gorm:"primaryKey"`
	LeaveType  string
	HalfDays   int
	Status     string
	CreatedAt  time.Time
}

func (leaveClaim) TableName() string { return "attendance_leave_claims" }

// Balance is a person's leave of a year, in half days (annual) and minutes (调休).
type Balance struct {
	Year             int `json:"year"`
	SeniorityYears   int `json:"seniority_years"`
	AnnualHalfDays   int `json:"annual_half_days"` // entitled
	AnnualUsedHalf   int `json:"annual_used_half_days"`
	AnnualLeftHalf   int `json:"annual_left_half_days"`
	OvertimeMinutes  int `json:"overtime_minutes"` // earned this year
	CompUsedMinutes  int `json:"comp_used_minutes"`
	CompLeftMinutes  int `json:"comp_left_minutes"`
	CompLeftHalfDays int `json:"comp_left_half_days"`
	// Check: requests beyond the balance are refused at submit (settings).
	Check bool `json:"check"`
	// Request is what the leave form's period would take (QuoteLeave).
	Request *LeaveQuote `json:"request,omitempty"`
}

// LeaveQuote is what one annual / 调休 request takes, in working half days
// of the company calendar and hours (4 a half day), against what is left.
type LeaveQuote struct {
	LeaveType string  `json:"leave_type"`
	HalfDays  int     `json:"half_days"`
	Hours     float64 `json:"hours"`
	LeftHours float64 `json:"left_hours"`
	Over      bool    `json:"over"`
	// Years splits the request by calendar year, each part against that
	// year's balance (two parts for a leave over New Year).
	Years []LeaveYear `json:"years"`
}

// LeaveYear is the part of a leave request in one year.
type LeaveYear struct {
	Year      int     `json:"year"`
	HalfDays  int     `json:"half_days"`
	Hours     float64 `json:"hours"`
	LeftHours float64 `json:"left_hours"`
	Over      bool    `json:"over"`
}

// yearPart is a leave request's working half days in one year.
type yearPart struct {
	Year     int
	HalfDays int
}

// quoteYears is the request's quote: each year's part against that year's
// balance (bs, in the parts' order); the totals are the parts' sums, and the
// whole is over when any part is. Hours and LeftHours of the whole are the
// first year's left plus the others'.
func quoteYears(typ string, parts []yearPart, bs []Balance) LeaveQuote {
	q := LeaveQuote{LeaveType: typ, Years: make([]LeaveYear, 0, len(parts))}
	for i, p := range parts {
		y := quote(typ, p.HalfDays, bs[i])
		q.HalfDays += p.HalfDays
		q.Hours += y.Hours
		q.LeftHours += y.LeftHours
		q.Over = q.Over || y.Over
		q.Years = append(q.Years, LeaveYear{Year: p.Year, HalfDays: p.HalfDays, Hours: y.Hours, LeftHours: y.LeftHours, Over: y.Over})
	}
	return q
}

// LeaveQuoteRequest is the leave form's type and period, as the form holds them.
type LeaveQuoteRequest struct {
	LeaveType string
	Start     string
	End       string
	StartHalf string
	EndHalf   string
}

func quote(typ string, halves int, b Balance) LeaveQuote {
	q := LeaveQuote{LeaveType: typ, HalfDays: halves, Hours: float64(halves * halfDayMins / 60)}
	if typ == leaveAnnual {
		q.LeftHours = float64(b.AnnualLeftHalf * halfDayMins / 60)
	} else {
		q.LeftHours = float64(b.CompLeftMinutes) / 60
	}
	q.Over = q.Hours > q.LeftHours
	return q
}

func hoursText(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// overBalance is ErrLeaveBalance with the hours asked and left, which fill its message.
func overBalance(q LeaveQuote) error {
	e := ErrLeaveBalance.WithField("need_hours", hoursText(q.Hours))
	e.Fields["left_hours"] = hoursText(q.LeftHours)
	return e
}

// QuoteLeave is the actor's balance with what the leave form's period
// would take (the form shows it while the employee fills it in).
func (s *Service) QuoteLeave(ctx context.Context, a identity.Actor, in LeaveQuoteRequest) (Balance, error) {
	var v apperr.Validator
	v.Check(in.LeaveType == leaveAnnual || in.LeaveType == leaveComp, "leave_type", "invalid")
	_, ok1 := s.parseDate(in.Start)
	_, ok2 := s.parseDate(in.End)
	v.Check(ok1, "start", "invalid")
	v.Check(ok2, "end", "invalid")
	v.Check(in.StartHalf == "" || in.StartHalf == "am" || in.StartHalf == "pm", "start_half", "invalid")
	v.Check(in.EndHalf == "" || in.EndHalf == "am" || in.EndHalf == "pm", "end_half", "invalid")
	if err := v.Err("attendance.invalid", "invalid leave period"); err != nil {
		return Balance{}, err
	}
	db := s.db.WithContext(ctx)
	form := map[string]any{"period": map[string]any{"start": in.Start, "end": in.End, "start_half": in.StartHalf, "end_half": in.EndHalf}}
	parts, ok, err := s.requestedHalfDays(db, a.UserID, form)
	if err != nil {
		return Balance{}, err
	}
	if !ok {
		return Balance{}, apperr.Invalid("attendance.invalid", "invalid leave period").WithField("end", "out_of_range")
	}
	bs := make([]Balance, len(parts))
	for i, p := range parts {
		if bs[i], err = s.balance(db, a.UserID, p.Year); err != nil {
			return Balance{}, err
		}
	}
	set, err := s.settings(db)
	if err != nil {
		return Balance{}, err
	}
	// The balance shown is the first year's (where the leave starts).
	b := bs[0]
	q := quoteYears(in.LeaveType, parts, bs)
	b.Check, b.Request = set.LeaveBalanceCheck, &q
	return b, nil
}

// annualDays is the default policy: 5 days a year, 10 after 10 years, 15 after 20
// (seniority counted from the day the person joined Tack's organisation).
func annualDays(years int) int {
	switch {
	case years >= 20:
		return 15
	case years >= 10:
		return 10
	}
	return 5
}

func (s *Service) balance(tx *gorm.DB, userID string, year int) (Balance, error) {
	b := Balance{Year: year}
	var joined []time.Time
	if err := tx.Table("users").Where("id = ?", userID).Pluck("created_at", &joined).Error; err != nil {
		return b, fmt.Errorf("attendance: user: %w", err)
	}
	if len(joined) == 1 {
		now := s.clock.Now().In(s.loc)
		j := joined[0].In(s.loc)
		b.SeniorityYears = now.Year() - j.Year()
		if now.YearDay() < j.YearDay() {
			b.SeniorityYears--
		}
		b.SeniorityYears = max(b.SeniorityYears, 0)
	}
	b.AnnualHalfDays = 2 * annualDays(b.SeniorityYears)
	var claims []leaveClaim
	if err := tx.Where("user_id = ? AND year = ? AND status IN ?", userID, year, []string{approval.StatusPending, approval.StatusApproved}).
		Find(&claims).Error; err != nil {
		return b, fmt.Errorf("attendance: leave claims: %w", err)
	}
	for _, c := range claims {
		switch c.LeaveType {
		case leaveAnnual:
			b.AnnualUsedHalf += c.HalfDays
		case leaveComp:
			b.CompUsedMinutes += c.HalfDays * halfDayMins
		}
	}
	var ot []int
	if err := tx.Model(&Day{}).Where("user_id = ? AND work_date >= ? AND work_date <= ?", userID, fmt.Sprintf("%d-01-01", year),
		fmt.Sprintf("%d-12-31", year)).Pluck("overtime_minutes", &ot).Error; err != nil {
		return b, fmt.Errorf("attendance: overtime: %w", err)
	}
	for _, m := range ot {
		b.OvertimeMinutes += m
	}
	b.AnnualLeftHalf = max(0, b.AnnualHalfDays-b.AnnualUsedHalf)
	b.CompLeftMinutes = max(0, b.OvertimeMinutes-b.CompUsedMinutes)
	b.CompLeftHalfDays = b.CompLeftMinutes / halfDayMins
	return b, nil
}

// MyBalance is the actor's leave balance of this year (the leave form shows it).
func (s *Service) MyBalance(ctx context.Context, a identity.Actor) (Balance, error) {
	db := s.db.WithContext(ctx)
	b, err := s.balance(db, a.UserID, s.clock.Now().In(s.loc).Year())
	if err != nil {
		return b, err
	}
	set, err := s.settings(db)
	b.Check = set.LeaveBalanceCheck
	return b, err
}

// groupMemoKey carries, in a gorm session's settings, the groups already
// resolved for the request (groupOf).
const groupMemoKey = "attendance.groups"

// requestedHalfDays counts the working half days a leave period asks for,
// by calendar year (the start's year first; a year without a working day
// in the period still has its part, of 0).
func (s *Service) requestedHalfDays(tx *gorm.DB, userID string, form map[string]any) ([]yearPart, bool, error) {
	p, _ := form["period"].(map[string]any)
	a, ok1 := s.parseDate(formString(p, "start"))
	b, ok2 := s.parseDate(formString(p, "end"))
	if !ok1 || !ok2 || b.Before(a) || b.Sub(a) > 366*24*time.Hour {
		return nil, false, nil
	}
	var parts []yearPart
	// The person's group is resolved once for all the days (3 reads each).
	tx = tx.Set(groupMemoKey, map[string]*Group{}).Session(&gorm.Session{})
	for d := a; !d.After(b); d = d.AddDate(0, 0, 1) {
		if len(parts) == 0 || parts[len(parts)-1].Year != d.Year() {
			parts = append(parts, yearPart{Year: d.Year()})
		}
		pl, err := s.planFor(tx, userID, d)
		if err != nil {
			return nil, false, err
		}
		if pl.typ != DayWork {
			continue
		}
		n := &parts[len(parts)-1].HalfDays
		*n += 2
		if d.Equal(a) && strings.EqualFold(formString(p, "start_half"), "pm") {
			*n--
		}
		if d.Equal(b) && strings.EqualFold(formString(p, "end_half"), "am") {
			*n--
		}
	}
	return parts, true, nil
}

// submitLeave checks an annual or 调休 request against the balance and claims it.
func (s *Service) submitLeave(tx *gorm.DB, h approval.Hooked) error {
	typ := formString(h.Form, "leave_type")
	if typ != leaveAnnual && typ != leaveComp {
		return nil
	}
	parts, ok, err := s.requestedHalfDays(tx, h.ApplicantID, h.Form)
	if err != nil || !ok {
		return err
	}
	set, err := s.settings(tx)
	if err != nil {
		return err
	}
	// Without the check (the default) the claim is only recorded for the
	// balance shown later: no lock, no balance read on every leave submit
	// (issue 14's statement budget counts them).
	if set.LeaveBalanceCheck {
		// One submitter at a time per person, so two racing requests cannot both take the last day.
		if err := store.XactLock(tx, "attendance.leave."+h.ApplicantID); err != nil {
			return err
		}
		bs := make([]Balance, len(parts))
		for i, p := range parts {
			if bs[i], err = s.balance(tx, h.ApplicantID, p.Year); err != nil {
				return err
			}
		}
		for _, y := range quoteYears(typ, parts, bs).Years {
			if y.Over { // the year that has too little left names its hours
				return overBalance(LeaveQuote{Hours: y.Hours, LeftHours: y.LeftHours})
			}
		}
	}
	claims := make([]leaveClaim, 0, len(parts))
	for _, p := range parts {
		if p.HalfDays > 0 || len(parts) == 1 {
			claims = append(claims, leaveClaim{ApprovalID: h.InstanceID, UserID: h.ApplicantID, Year: p.Year, LeaveType: typ, HalfDays: p.HalfDays,
				Status: approval.StatusPending, CreatedAt: s.clock.Now()})
		}
	}
	if len(claims) == 0 {
		return nil
	}
	return tx.Create(&claims).Error
}

// finishLeave records how a claimed request ended.
func finishLeave(tx *gorm.DB, h approval.Hooked) error {
	if typ := formString(h.Form, "leave_type"); typ != leaveAnnual && typ != leaveComp {
		return nil // only annual and 调休 requests are claimed (submitLeave)
	}
	if err := tx.Model(&leaveClaim{}).Where("approval_id = ?", h.InstanceID).Update("status", h.Status).Error; err != nil {
		return fmt.Errorf("attendance: leave claim: %w", err)
	}
	return nil
}
