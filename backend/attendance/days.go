package attendance

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// effective returns the punches of a user's work date that count: not
// voided by a correction, not review rows.
func effective(tx *gorm.DB, userID, date string) ([]Punch, error) {
	var rows []Punch
	if err := tx.Where("user_id = ? AND work_date = ?", userID, date).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attendance: punches: %w", err)
	}
	return effectiveOf(rows), nil
}

// recompute derives and stores one person's day from its facts (days_batch.go).
func (s *Service) recompute(tx *gorm.DB, userID, date string) (Day, error) {
	d, ok := s.parseDate(date)
	if !ok {
		return Day{}, apperr.Invalid("attendance.invalid", "bad date").WithField("date", "invalid")
	}
	ds, err := s.recomputeDays(tx, userID, []time.Time{d})
	if err != nil {
		return Day{}, err
	}
	return ds[0], nil
}

// stale reports whether a stored day must be derived again: it was
// computed before its windows closed (a result can change with time alone:
// pending becomes absent).
func (s *Service) stale(d Day, now time.Time) bool {
	t, ok := s.parseDate(d.WorkDate)
	if !ok {
		return true
	}
	// Every window ends by the next day's evening (cross-midnight shifts
	// included); computed after that, a day changes only with its facts.
	return d.ComputedAt.Before(t.AddDate(0, 0, 2))
}

// Month returns one person's days of month ("2026-01") up to today,
// deriving those not yet materialised or computed while still open.
func (s *Service) Month(ctx context.Context, a identity.Actor, userID, month string) ([]Day, error) {
	if userID == "" {
		userID = a.UserID
	}
	first, err := time.ParseInLocation("2006-01", month, s.loc)
	if err != nil {
		return nil, apperr.Invalid("attendance.invalid", "month must be YYYY-MM").WithField("month", "invalid")
	}
	var out []Day
	err = s.write(ctx, func(tx *gorm.DB) error {
		out = nil
		if err := s.canSee(tx, a, userID); err != nil {
			return err
		}
		var err error
		out, err = s.monthDays(tx, userID, first)
		return err
	})
	return out, err
}

// monthDays returns one person's days of the month starting at first, up to
// today, deriving those not yet materialised or computed while still open.
func (s *Service) monthDays(tx *gorm.DB, userID string, first time.Time) ([]Day, error) {
	var out []Day
	var have []Day
	last := first.AddDate(0, 1, -1).Format(time.DateOnly)
	if err := tx.Where("user_id = ? AND work_date >= ? AND work_date <= ?", userID, first.Format(time.DateOnly), last).Find(&have).Error; err != nil {
		return nil, fmt.Errorf("attendance: days: %w", err)
	}
	byDate := map[string]Day{}
	for _, d := range have {
		byDate[d.WorkDate] = d
	}
	now := s.clock.Now()
	today := s.midnight(now)
	// Nobody is absent before they joined.
	var joined []time.Time
	if err := tx.Table("users").Where("id = ?", userID).Pluck("created_at", &joined).Error; err != nil {
		return nil, fmt.Errorf("attendance: user: %w", err)
	}
	start := first
	if len(joined) == 1 && s.midnight(joined[0]).After(start) {
		start = s.midnight(joined[0])
	}
	var redo []time.Time
	var at []int
	for d := first; d.Month() == first.Month() && !d.After(today); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		day, ok := byDate[key]
		if d.Before(start) && !ok {
			// Before they joined only a day with punches (imported, corrected) counts.
			var n int64
			if err := tx.Model(&Punch{}).Where("user_id = ? AND work_date = ?", userID, key).Count(&n).Error; err != nil {
				return nil, fmt.Errorf("attendance: punches: %w", err)
			}
			if n == 0 {
				continue
			}
		}
		if !ok || s.stale(day, now) {
			redo = append(redo, d)
			at = append(at, len(out))
		}
		out = append(out, day)
	}
	// The days to derive, in one pass (days_batch.go).
	fresh, err := s.recomputeDays(tx, userID, redo)
	if err != nil {
		return nil, err
	}
	for i, day := range fresh {
		out[at[i]] = day
	}
	return out, nil
}

// BoardRow is one person on a head's board.
type BoardRow struct {
	UserID       string  `json:"user_id"`
	Name         string  `json:"name"`
	DepartmentID string  `json:"department_id"`
	Day          Day     `json:"day"`
	Punches      []Punch `json:"punches"`
}

// Board is today's (or date's) team board of the departments the actor
// heads (managers: every department, or the one asked for).
type Board struct {
	Date   string         `json:"date"`
	Counts map[string]int `json:"counts"`
	Rows   []BoardRow     `json:"rows"`
}

// TeamBoard lists the people of departmentID ("" = all the actor heads) with the date's result.
func (s *Service) TeamBoard(ctx context.Context, a identity.Actor, departmentID, date string) (Board, error) {
	if date == "" {
		date = s.midnight(s.clock.Now()).Format(time.DateOnly)
	}
	if _, ok := s.parseDate(date); !ok {
		return Board{}, apperr.Invalid("attendance.invalid", "bad date").WithField("date", "invalid")
	}
	var b Board
	err := s.write(ctx, func(tx *gorm.DB) error {
		b = Board{Date: date, Counts: map[string]int{}, Rows: []BoardRow{}}
		var depts []string
		heads, err := headedDepartments(tx, a.UserID)
		if err != nil {
			return err
		}
		switch {
		case IsManager(a) && departmentID == "":
			ds, err := departments(tx)
			if err != nil {
				return err
			}
			for _, d := range ds {
				depts = append(depts, d.ID)
			}
		case IsManager(a):
			depts = append(subtree(tx, departmentID), departmentID)
		case departmentID == "":
			depts = heads
		case slices.Contains(heads, departmentID):
			depts = append(subtree(tx, departmentID), departmentID)
		default:
			return ErrForbidden
		}
		if len(depts) == 0 {
			return ErrForbidden
		}
		var us []userRow
		if err := tx.Table("users").Select("id, name, department_id, active").Where("active = ? AND department_id IN ?", true, depts).
			Order("name, id").Find(&us).Error; err != nil {
			return fmt.Errorf("attendance: board: %w", err)
		}
		d, _ := s.parseDate(date)
		days, eff, err := s.boardDays(tx, us, who{depts: depts}, d)
		if err != nil {
			return err
		}
		for i, u := range us {
			day, ps := days[i], eff[u.ID]
			for i := range ps {
				ps[i].Lat, ps[i].Lng = nil, nil // the board shows no positions
			}
			b.Rows = append(b.Rows, BoardRow{UserID: u.ID, Name: u.Name, DepartmentID: u.DepartmentID, Day: day, Punches: ps})
			b.Counts[day.Status]++
			if day.FirstIn != nil || day.LastOut != nil {
				b.Counts["punched"]++
			}
			for _, f := range day.Flags {
				if f == FlagField || f == FlagLate {
					b.Counts[f]++
				}
			}
		}
		return nil
	})
	return b, err
}

func subtree(tx *gorm.DB, root string) []string {
	ds, err := departments(tx)
	if err != nil {
		return nil
	}
	children := map[string][]string{}
	for _, d := range ds {
		if d.ParentID != nil {
			children[*d.ParentID] = append(children[*d.ParentID], d.ID)
		}
	}
	out := []string{}
	queue := []string{root}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, k := range children[c] {
			out = append(out, k)
			queue = append(queue, k)
		}
	}
	return out
}

// Today is what the punch page shows.
type Today struct {
	Date         string       `json:"date"`
	Group        *Group       `json:"group"`
	Shift        *Shift       `json:"shift"`
	DayType      string       `json:"day_type"`
	Day          Day          `json:"day"`
	Punches      []Punch      `json:"punches"`
	Places       []PlaceBrief `json:"places"` // names only: no positions
	MakeupCap    int          `json:"makeup_cap"`
	MakeupUsed   int          `json:"makeup_used"`
	MakeupLeft   int          `json:"makeup_left"`
	FieldAllowed bool         `json:"field_allowed"`
}

// PlaceBrief names a place for the punch page.
type PlaceBrief struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MyToday returns the actor's day as the punch page shows it.
func (s *Service) MyToday(ctx context.Context, a identity.Actor) (Today, error) {
	now := s.clock.Now()
	var t Today
	err := s.write(ctx, func(tx *gorm.DB) error {
		date, err := s.workDateOf(tx, a.UserID, now)
		if err != nil {
			return err
		}
		d, _ := s.parseDate(date)
		p, err := s.planFor(tx, a.UserID, d)
		if err != nil {
			return err
		}
		t = Today{Date: date, Group: p.group, Shift: p.shift, DayType: p.typ, Places: []PlaceBrief{}}
		if p.group != nil {
			t.FieldAllowed = p.group.FieldAllowed
		}
		if t.Day, err = s.recompute(tx, a.UserID, date); err != nil {
			return err
		}
		if t.Punches, err = effective(tx, a.UserID, date); err != nil {
			return err
		}
		cfg, err := s.config(tx)
		if err != nil {
			return err
		}
		for _, pl := range cfg.places { // by name
			t.Places = append(t.Places, PlaceBrief{ID: pl.ID, Name: pl.Name})
		}
		st, err := s.settings(tx)
		if err != nil {
			return err
		}
		used, err := makeupUsed(tx, a.UserID, date[:7])
		if err != nil {
			return err
		}
		t.MakeupCap, t.MakeupUsed = st.MakeupCap, used
		t.MakeupLeft = max(0, st.MakeupCap-used)
		return nil
	})
	return t, err
}
