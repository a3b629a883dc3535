package attendance

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/store"
)

// jobMark is a once-only marker: an action of the job (a reminder, a
// summary) is done in the transaction that inserts its key, so two
// replicas, a restart or a re-run never do it twice.
type jobMark struct {
	Name      string `gorm:"primaryKey"`
	CreatedAt time.Time
}

func (jobMark) TableName() string { return "attendance_job_marks" }

// once inserts key and reports whether this call inserted it.
func once(tx *gorm.DB, key string, now time.Time) (bool, error) {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&jobMark{Name: key, CreatedAt: now})
	if res.Error != nil {
		return false, fmt.Errorf("attendance: job mark: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Job runs the days job every Interval (default a minute: reminders are
// minute-precise) until ctx ends.
type Job struct {
	S        *Service
	Interval time.Duration
}

// Serve runs until ctx ends. With PostgreSQL only the replica holding the
// advisory lock works; the others keep trying.
func (j Job) Serve(ctx context.Context) error {
	iv := j.Interval
	if iv == 0 {
		iv = time.Minute
	}
	return store.Every(ctx, iv, "attendance: days job", func(ctx context.Context) error {
		_, err := j.S.RunDays(ctx)
		return err
	})
}

// JobStats counts what one pass did.
type JobStats struct {
	Materialised int `json:"materialised"` // day rows created
	Closed       int `json:"closed"`       // days derived again after their punch window closed
	Reminders    int `json:"reminders"`
	Summaries    int `json:"summaries"`
	Months       int `json:"months"` // department month reports compiled
}

type jobUser struct {
	ID        string
	CreatedAt time.Time
}

// RunDays is one pass of the days job, under the advisory lock: for every
// active person and the dates from two days ago to today it materialises
// the expected day (so the team board and the month have it without anyone
// opening a page) and derives it again once its punch window has closed
// (pending becomes absent or missing_punch); it reminds people who have not
// punched in N minutes before their shift, or punched in but not out M
// minutes after it (never on a rest day, a holiday or while excused), and
// after the summary hour
// tells each person yesterday's exceptions. Each action is once-only.
func (s *Service) RunDays(ctx context.Context) (JobStats, error) {
	var st JobStats
	_, err := store.WithJobLock(ctx, s.db, "attendance.days", func(db *gorm.DB) error {
		now := s.clock.Now()
		today := s.midnight(now)
		dates := []time.Time{today.AddDate(0, 0, -2), today.AddDate(0, 0, -1), today}
		var users []jobUser
		if err := db.Table("users").Select("id, created_at").Where("active = ?", true).Order("id").Find(&users).Error; err != nil {
			return fmt.Errorf("attendance: job users: %w", err)
		}
		var have []Day
		if err := db.Where("work_date >= ? AND work_date <= ?", dates[0].Format(time.DateOnly), today.Format(time.DateOnly)).Find(&have).Error; err != nil {
			return fmt.Errorf("attendance: job days: %w", err)
		}
		days := map[string]Day{}
		for _, d := range have {
			days[d.UserID+"|"+d.WorkDate] = d
		}
		var shifts []Shift
		if err := db.Find(&shifts).Error; err != nil {
			return fmt.Errorf("attendance: job shifts: %w", err)
		}
		byID := map[string]Shift{}
		for _, sh := range shifts {
			byID[sh.ID] = sh
		}
		set, err := s.settings(db)
		if err != nil {
			return err
		}
		// On the compile day (the 1st by default, or the first pass after it)
		// last month is compiled per department.
		month := today.AddDate(0, 0, 1-today.Day()).AddDate(0, -1, 0).Format("2006-01")
		if err := store.WriteTx(ctx, db, func(tx *gorm.DB) error {
			if today.Day() < max(set.CompileDay, 1) {
				return nil
			}
			first, err := once(tx, "months:"+month, now)
			if err != nil || !first {
				return err
			}
			st.Months, err = s.compileDue(tx, set, now)
			return err
		}); err != nil {
			return err
		}
		// The markers already set today and for yesterday, so an idle pass opens no transaction.
		var marks []string
		if err := db.Model(&jobMark{}).Where("created_at >= ?", today.AddDate(0, 0, -1)).Pluck("name", &marks).Error; err != nil {
			return fmt.Errorf("attendance: job marks: %w", err)
		}
		done := map[string]bool{}
		for _, m := range marks {
			done[m] = true
		}
		for _, u := range users {
			if u.ID == org.System.UserID {
				continue
			}
			joined := s.midnight(u.CreatedAt)
			if !s.needsWork(u.ID, joined, dates, days, byID, set, done, now) {
				continue
			}
			err := store.WriteTx(ctx, db, func(tx *gorm.DB) error {
				for _, d := range dates {
					if d.Before(joined) {
						continue
					}
					key := d.Format(time.DateOnly)
					day, ok := days[u.ID+"|"+key]
					closeAt := s.closeAt(day, d, byID)
					switch {
					case !ok:
						var err error
						if day, err = s.recompute(tx, u.ID, key); err != nil {
							return err
						}
						st.Materialised++
					case day.ComputedAt.Before(closeAt) && !now.Before(closeAt):
						var err error
						if day, err = s.recompute(tx, u.ID, key); err != nil {
							return err
						}
						st.Closed++
					}
					if d.Equal(today) {
						if err := s.remind(tx, day, d, byID, set, now, &st); err != nil {
							return err
						}
					}
					if d.Equal(today.AddDate(0, 0, -1)) && !now.Before(today.Add(time.Duration(set.SummaryHour)*time.Hour)) {
						if err := s.summarise(tx, day, s.closeAt(day, d, byID), now, &st); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return st, err
}

// closeAt is when a day's result stops changing with time alone: the end
// of its shift's punch window, else the next midnight.
func (s *Service) closeAt(day Day, d time.Time, shifts map[string]Shift) time.Time {
	if sh, ok := shifts[day.ShiftID]; ok && day.ShiftID != "" {
		_, to := sh.Rule().Window(d)
		return to
	}
	return d.AddDate(0, 0, 1)
}

// excusedAt reports whether an approved leave, trip or outing covers t.
func excusedAt(tx *gorm.DB, userID string, t time.Time) (bool, error) {
	var n int64
	if err := tx.Model(&excuseRow{}).Where("user_id = ? AND start_at <= ? AND end_at > ?", userID, t, t).Count(&n).Error; err != nil {
		return false, fmt.Errorf("attendance: excuses: %w", err)
	}
	return n > 0, nil
}

// remind sends today's punch reminders.
func (s *Service) remind(tx *gorm.DB, day Day, d time.Time, shifts map[string]Shift, set Settings, now time.Time, st *JobStats) error {
	sh, ok := shifts[day.ShiftID]
	if !ok || day.DayType != DayWork {
		return nil
	}
	r := sh.Rule()
	start, end := d.Add(r.Start), d.Add(r.End)
	_, winEnd := r.Window(d)
	send := func(kind string, at time.Time) error {
		if ex, err := excusedAt(tx, day.UserID, at); err != nil || ex {
			return err
		}
		first, err := once(tx, "remind-"+kind+":"+day.UserID+":"+day.WorkDate, now)
		if err != nil || !first {
			return err
		}
		st.Reminders++
		return notify.Emit(tx, &notify.Event{Type: event.AttendanceReminder, SubjectType: "attendance_day", SubjectID: day.UserID + ":" + day.WorkDate,
			ActorID: org.System.UserID, Recipients: []string{day.UserID},
			Data: event.Data(event.AttendanceRemind{Title: sh.Name, Link: "/attendance", Kind: kind, Date: day.WorkDate, At: at.UTC().Format(time.RFC3339)})})
	}
	if set.RemindBefore > 0 && day.FirstIn == nil && day.LastOut == nil &&
		!now.Before(start.Add(-time.Duration(set.RemindBefore)*time.Minute)) && now.Before(start) {
		if err := send("in", start); err != nil {
			return err
		}
	}
	// Out: only someone who came in (punched in) and has not punched out;
	// a person who never came was reminded before the shift and is absent.
	if set.RemindAfter > 0 && day.FirstIn != nil && day.LastOut == nil && !now.Before(end.Add(time.Duration(set.RemindAfter)*time.Minute)) && now.Before(winEnd) {
		if err := send("out", end.Add(-time.Minute)); err != nil {
			return err
		}
	}
	return nil
}

// exceptional reports whether a closed day is worth the morning summary.
func exceptional(d Day) bool {
	switch d.Status {
	case StatusAbsent, StatusMissing, StatusLate, StatusSeriousLate, StatusEarly:
		return true
	}
	return slices.ContainsFunc(d.Flags, func(f string) bool {
		return f == FlagLate || f == FlagEarly || f == FlagMissingIn || f == FlagMissingOut
	})
}

// summarise tells a person yesterday's exceptions once the day has closed.
func (s *Service) summarise(tx *gorm.DB, day Day, closeAt, now time.Time, st *JobStats) error {
	if day.ComputedAt.Before(closeAt) || !exceptional(day) {
		return nil
	}
	first, err := once(tx, "summary:"+day.UserID+":"+day.WorkDate, now)
	if err != nil || !first {
		return err
	}
	st.Summaries++
	return notify.Emit(tx, &notify.Event{Type: event.AttendanceSummary, SubjectType: "attendance_day", SubjectID: day.UserID + ":" + day.WorkDate,
		ActorID: org.System.UserID, Recipients: []string{day.UserID},
		Data: event.Data(event.AttendanceDaySummary{Title: day.WorkDate, Link: "/attendance?month=" + day.WorkDate[:7], Date: day.WorkDate,
			Status: day.Status, Flags: day.Flags, LateMinutes: day.LateMinutes, EarlyMinutes: day.EarlyMinutes})})
}

// needsWork reports whether a person has anything for this pass: a day to
// materialise or close, a reminder due or yesterday's summary to send.
func (s *Service) needsWork(userID string, joined time.Time, dates []time.Time, days map[string]Day, shifts map[string]Shift,
	set Settings, done map[string]bool, now time.Time) bool {
	today := dates[len(dates)-1]
	for _, d := range dates {
		if d.Before(joined) {
			continue
		}
		key := d.Format(time.DateOnly)
		day, ok := days[userID+"|"+key]
		if !ok {
			return true
		}
		closeAt := s.closeAt(day, d, shifts)
		if day.ComputedAt.Before(closeAt) && !now.Before(closeAt) {
			return true
		}
		if d.Equal(today) && day.DayType == DayWork {
			if sh, ok := shifts[day.ShiftID]; ok {
				r := sh.Rule()
				start, end := d.Add(r.Start), d.Add(r.End)
				_, winEnd := r.Window(d)
				if set.RemindBefore > 0 && day.FirstIn == nil && day.LastOut == nil && !done["remind-in:"+userID+":"+key] &&
					!now.Before(start.Add(-time.Duration(set.RemindBefore)*time.Minute)) && now.Before(start) {
					return true
				}
				if set.RemindAfter > 0 && day.FirstIn != nil && day.LastOut == nil && !done["remind-out:"+userID+":"+key] &&
					!now.Before(end.Add(time.Duration(set.RemindAfter)*time.Minute)) && now.Before(winEnd) {
					return true
				}
			}
		}
		if d.Equal(today.AddDate(0, 0, -1)) && !now.Before(today.Add(time.Duration(set.SummaryHour)*time.Hour)) &&
			!done["summary:"+userID+":"+key] && exceptional(day) && !day.ComputedAt.Before(closeAt) {
			return true
		}
	}
	return false
}
