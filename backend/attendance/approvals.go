package attendance

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/approval"
	"tack/backend/store"
)

// The built-in approval templates attendance reacts to (approval/builtins.go).
const (
	keyLeave   = "leave"
	keyTrip    = "business_trip"
	keyOuting  = "outing"
	keyMakeup  = "makeup_clock"
	makeupIn   = "in"
	makeupOut  = "out"
	statusOpen = "pending"
)

// Hooks registers attendance's reactions on the approval service (wired in
// server.New): the makeup cap at submit, excuses and makeup punches when a
// request finishes. Both run inside approval's transaction, so a request
// and its attendance effects commit together or not at all.
func (s *Service) Hooks(a *approval.Service) {
	a.OnSubmit(s.onSubmit)
	a.OnFinish(s.onFinish)
}

type makeupRow struct {
	ApprovalID string `gorm:"primaryKey"`
	UserID     string
	Month      string
	WorkDate   string
	Kind       string
	Status     string
	CreatedAt  time.Time
}

func (makeupRow) TableName() string { return "attendance_makeups" }

// makeupUsed counts the makeup requests of a person's month that are
// pending or approved: both use up the cap.
func makeupUsed(tx *gorm.DB, userID, month string) (int, error) {
	var n int64
	if err := tx.Model(&makeupRow{}).Where("user_id = ? AND month = ? AND status IN ?", userID, month,
		[]string{statusOpen, approval.StatusApproved}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("attendance: makeups: %w", err)
	}
	return int(n), nil
}

func formString(f map[string]any, k string) string {
	v, _ := f[k].(string)
	return v
}

// onSubmit enforces the monthly makeup cap and that the day has a punch to make up.
func (s *Service) onSubmit(tx *gorm.DB, h approval.Hooked) error {
	if h.BuiltinKey == keyLeave {
		return s.submitLeave(tx, h)
	}
	if h.BuiltinKey != keyMakeup {
		return nil
	}
	date, kind := formString(h.Form, "date"), formString(h.Form, "kind")
	if _, ok := s.parseDate(date); !ok || (kind != makeupIn && kind != makeupOut) {
		return ErrMakeupNotNeed
	}
	// One submitter at a time per person, so two racing requests cannot both take the last one.
	if err := store.XactLock(tx, "attendance.makeup."+h.ApplicantID); err != nil {
		return err
	}
	if locked, err := monthLocked(tx, h.ApplicantID, date); err != nil || locked {
		if err == nil {
			err = ErrMonthLocked
		}
		return err
	}
	st, err := s.settings(tx)
	if err != nil {
		return err
	}
	used, err := makeupUsed(tx, h.ApplicantID, date[:7])
	if err != nil {
		return err
	}
	if used >= st.MakeupCap {
		return ErrMakeupCap
	}
	day, err := s.recompute(tx, h.ApplicantID, date)
	if err != nil {
		return err
	}
	need := day.DayType == DayWork && (day.Status == StatusAbsent ||
		(kind == makeupIn && day.FirstIn == nil) || (kind == makeupOut && day.LastOut == nil) ||
		(kind == makeupIn && day.LateMinutes > 0) || (kind == makeupOut && day.EarlyMinutes > 0))
	if !need {
		return ErrMakeupNotNeed
	}
	return tx.Create(&makeupRow{ApprovalID: h.InstanceID, UserID: h.ApplicantID, Month: date[:7], WorkDate: date, Kind: kind,
		Status: statusOpen, CreatedAt: s.clock.Now()}).Error
}

// onFinish applies a finished request: an approved leave, trip or outing
// excuses its time; any other outcome removes what it excused; an approved
// makeup request adds the punch at the shift's edge. The days touched are
// derived again.
func (s *Service) onFinish(tx *gorm.DB, h approval.Hooked) error {
	switch h.BuiltinKey {
	case keyMakeup:
		return s.finishMakeup(tx, h)
	case keyLeave:
		if err := finishLeave(tx, h); err != nil {
			return err
		}
	case keyTrip, keyOuting:
	default:
		return nil
	}
	// A request finishes once: approved, it adds its excuse; ended otherwise
	// (or revoked later), whatever it excused goes.
	var spans []excuseRow
	if h.Status != approval.StatusApproved {
		if err := tx.Where("approval_id = ?", h.InstanceID).Find(&spans).Error; err != nil {
			return fmt.Errorf("attendance: excuses: %w", err)
		}
		if len(spans) > 0 {
			if err := tx.Where("approval_id = ?", h.InstanceID).Delete(&excuseRow{}).Error; err != nil {
				return fmt.Errorf("attendance: excuses: %w", err)
			}
		}
	} else {
		x, ok := s.excuseOf(h)
		if ok {
			if err := tx.Create(&x).Error; err != nil {
				return fmt.Errorf("attendance: excuse: %w", err)
			}
			spans = append(spans, x)
		}
	}
	for _, x := range spans {
		for d := s.midnight(x.StartAt); d.Before(x.EndAt); d = d.AddDate(0, 0, 1) {
			if d.After(s.clock.Now()) {
				break // future days are derived when they come
			}
			if _, err := s.recompute(tx, x.UserID, d.Format(time.DateOnly)); err != nil {
				return err
			}
		}
	}
	return nil
}

// excuseOf reads the interval a request covers: a leave's period with its
// half days (a half day ends or starts at noon), a trip's whole days, an
// outing's date.
func (s *Service) excuseOf(h approval.Hooked) (excuseRow, bool) {
	x := excuseRow{ApprovalID: h.InstanceID, UserID: h.ApplicantID}
	var start, end string
	startHalf, endHalf := "", ""
	switch h.BuiltinKey {
	case keyLeave, keyTrip:
		p, _ := h.Form["period"].(map[string]any)
		start, end = formString(p, "start"), formString(p, "end")
		startHalf, endHalf = formString(p, "start_half"), formString(p, "end_half")
		x.Kind = ExcuseLeave
		if h.BuiltinKey == keyTrip {
			x.Kind = ExcuseTrip
		} else {
			x.LeaveType = formString(h.Form, "leave_type")
		}
	case keyOuting:
		start = formString(h.Form, "start")
		end, x.Kind = start, ExcuseOuting
	}
	a, ok1 := s.parseDate(start)
	b, ok2 := s.parseDate(end)
	if !ok1 || !ok2 || b.Before(a) {
		return x, false
	}
	x.StartAt, x.EndAt = a, b.AddDate(0, 0, 1)
	if strings.EqualFold(startHalf, "pm") {
		x.StartAt = a.Add(12 * time.Hour)
	}
	if strings.EqualFold(endHalf, "am") {
		x.EndAt = b.Add(12 * time.Hour)
	}
	return x, true
}

func (s *Service) finishMakeup(tx *gorm.DB, h approval.Hooked) error {
	var m makeupRow
	err := tx.Where("approval_id = ?", h.InstanceID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil // submitted before attendance existed
	}
	if err != nil {
		return fmt.Errorf("attendance: makeup: %w", err)
	}
	if err := tx.Model(&makeupRow{}).Where("approval_id = ?", h.InstanceID).Update("status", h.Status).Error; err != nil {
		return fmt.Errorf("attendance: makeup: %w", err)
	}
	if h.Status != approval.StatusApproved {
		return nil
	}
	if locked, err := monthLocked(tx, m.UserID, m.WorkDate); err != nil || locked {
		if err == nil {
			err = ErrMonthLocked // confirmed while the request was pending: an administrator corrects it
		}
		return err
	}
	d, _ := s.parseDate(m.WorkDate)
	p, err := s.planFor(tx, m.UserID, d)
	if err != nil {
		return err
	}
	at := d.Add(9 * time.Hour)
	if p.shift != nil {
		at = d.Add(minutes(p.shift.StartMin))
		if m.Kind == makeupOut {
			at = d.Add(minutes(p.shift.EndMin))
		}
	} else if m.Kind == makeupOut {
		at = d.Add(18 * time.Hour)
	}
	actor := h.ActorID
	if actor == "" {
		actor = "system"
	}
	pu := Punch{UserID: m.UserID, WorkDate: m.WorkDate, At: at, Method: MethodMakeup, ApprovalID: h.InstanceID, ActorID: actor,
		Reason: formString(h.Form, "reason")}
	if err := s.appendPunch(tx, &pu); err != nil {
		return err
	}
	_, err = s.recompute(tx, m.UserID, m.WorkDate)
	return err
}
