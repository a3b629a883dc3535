package attendance

import (
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/workcal"
)

// planInputs is what planning a person's days reads, loaded once for many
// dates: a month sheet of 5,000 people derives 155,000 days, and one set of
// queries per person instead of per day is what keeps it in seconds
// (bench/RESULTS.md, Attendance).
type planInputs struct {
	cal    workcal.Calendar
	group  *Group
	shifts map[string]Shift
	rota   map[string]string // rota groups: date → shift ("" rest); no key: no cell
}

func (s *Service) loadPlanInputs(tx *gorm.DB, userID string, from, to string) (planInputs, error) {
	var in planInputs
	var err error
	if in.cal, err = s.cal.Load(tx); err != nil {
		return in, err
	}
	if in.group, err = s.groupOf(tx, userID); err != nil || in.group == nil {
		return in, err
	}
	cfg, err := s.config(tx)
	if err != nil {
		return in, err
	}
	in.shifts = cfg.shifts // shared: planWith only reads it
	if in.group.Schedule == ScheduleRota {
		var rs []rotaRow
		if err := tx.Where("user_id = ? AND work_date >= ? AND work_date <= ?", userID, from, to).Find(&rs).Error; err != nil {
			return in, fmt.Errorf("attendance: rota: %w", err)
		}
		in.rota = make(map[string]string, len(rs))
		for _, r := range rs {
			in.rota[r.WorkDate] = r.ShiftID
		}
	}
	return in, nil
}

// planWith works out a date's type and shift from loaded inputs: a public
// holiday of the company calendar is a holiday; a make-up working day
// (调休) works the group's first weekday shift; a rota group's cell
// decides (rota.go); otherwise the group's week decides.
func planWith(in planInputs, date time.Time) plan {
	p := plan{date: date, typ: DayRest}
	g := in.group
	if g == nil {
		return p
	}
	p.group = g
	key := date.Format(time.DateOnly)
	override, has := in.cal.Overrides[key]
	if g.Schedule == ScheduleRota {
		sid, ok := in.rota[key]
		return rotaPlanWith(p, sid, ok, has && !override, in.shifts)
	}
	wd := (int(date.Weekday()) + 6) % 7 // Monday = 0
	shiftID := ""
	if wd < len(g.WeekShifts) {
		shiftID = g.WeekShifts[wd]
	}
	switch {
	case has && !override:
		p.typ = DayHoliday
	case has && override:
		p.typ = DayWork
		if shiftID == "" {
			for _, id := range g.WeekShifts {
				if id != "" {
					shiftID = id
					break
				}
			}
		}
	case g.Schedule == ScheduleFree:
		if in.cal.IsWorkingDay(date) {
			p.typ = DayWork
		}
	case shiftID != "":
		p.typ = DayWork
	}
	if g.Schedule == ScheduleFixed && shiftID != "" {
		if sh, ok := in.shifts[shiftID]; ok {
			p.shift = &sh
		}
		if p.shift == nil && p.typ == DayWork {
			p.typ = DayRest
		}
	}
	return p
}

// effectiveOf keeps the punches that count (see effective) of one date's rows in seq order.
func effectiveOf(rows []Punch) []Punch {
	voided := map[string]bool{}
	review := map[string]Punch{} // a field punch's latest review
	for _, p := range rows {
		if p.Method == MethodCorrection && p.Voids != "" {
			voided[p.Voids] = true
		}
		if p.Method == MethodReview {
			review[p.Voids] = p
		}
	}
	out := make([]Punch, 0, len(rows))
	for _, p := range rows {
		if voided[p.ID] || p.Method == MethodReview || (p.Method == MethodCorrection && p.Voids != "") {
			continue
		}
		markAwaiting(&p)
		if r, ok := review[p.ID]; ok {
			p.Review, p.ReviewReason = r.Review, r.Reason
		}
		out = append(out, p)
	}
	return out
}

// recomputeDays derives and stores one person's days (company midnights,
// ascending) from their facts, reading each kind of fact once.
func (s *Service) recomputeDays(tx *gorm.DB, userID string, dates []time.Time) ([]Day, error) {
	if len(dates) == 0 {
		return nil, nil
	}
	keys := make([]string, len(dates))
	for i, d := range dates {
		keys[i] = d.Format(time.DateOnly)
	}
	pin, err := s.loadPlanInputs(tx, userID, keys[0], keys[len(keys)-1])
	if err != nil {
		return nil, err
	}
	var rows []Punch
	if err := tx.Where("user_id = ? AND work_date IN ?", userID, keys).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attendance: punches: %w", err)
	}
	byDate := map[string][]Punch{}
	for _, p := range rows {
		byDate[p.WorkDate] = append(byDate[p.WorkDate], p)
	}
	first, last := dates[0], dates[len(dates)-1]
	var xs []excuseRow
	if err := tx.Where("user_id = ? AND start_at < ? AND end_at > ?", userID, last.AddDate(0, 0, 2), first.AddDate(0, 0, -1)).Find(&xs).Error; err != nil {
		return nil, fmt.Errorf("attendance: excuses: %w", err)
	}
	now := s.clock.Now()
	out := make([]Day, 0, len(dates))
	for i, d := range dates {
		out = append(out, s.derive(planWith(pin, d), userID, keys[i], effectiveOf(byDate[keys[i]]), xs, now))
	}
	if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(out, 100).Error; err != nil {
		return nil, fmt.Errorf("attendance: day: %w", err)
	}
	return out, nil
}

// rotaPlanWith fills a rota group's day from its cell (see rotaPlan).
func rotaPlanWith(p plan, shiftID string, hasCell, holiday bool, shifts map[string]Shift) plan {
	switch {
	case !hasCell && holiday:
		p.typ = DayHoliday
	case !hasCell:
		p.typ, p.unscheduled = DayRest, true
	case shiftID == "":
		p.typ = DayRest
	default:
		sh, ok := shifts[shiftID]
		if !ok { // the shift was deleted under the cell
			p.typ, p.unscheduled = DayRest, true
			return p
		}
		p.typ, p.shift = DayWork, &sh
	}
	return p
}

// derive evaluates one person's day from its plan, effective punches and
// the excuses around it (those overlapping the day ±1 count).
func (s *Service) derive(p plan, userID, key string, ps []Punch, xs []excuseRow, now time.Time) Day {
	d := p.date
	in := DayInput{Date: d, Type: p.typ, Schedule: ScheduleFixed, Now: now}
	if p.group != nil {
		in.Schedule, in.FreeMinutes = p.group.Schedule, p.group.FreeMinutes
	}
	if in.Schedule == ScheduleRota { // a rota day is a fixed day with the cell's shift
		in.Schedule = ScheduleFixed
	}
	if p.shift != nil {
		r := p.shift.Rule()
		in.Rule = &r
	}
	var waiting bool
	in.Punches, waiting = countedFacts(ps) // a field punch awaiting the head's approval does not count yet
	from, to := d.AddDate(0, 0, -1), d.AddDate(0, 0, 2)
	for _, x := range xs {
		if x.UserID == userID && x.StartAt.Before(to) && x.EndAt.After(from) {
			in.Excuses = append(in.Excuses, Excuse{Kind: x.Kind, LeaveType: x.LeaveType, Start: x.StartAt, End: x.EndAt})
		}
	}
	r := Evaluate(in)
	if waiting { // field_approval.go
		r.Flags = appendOnce(r.Flags, FlagFieldAwaiting)
	}
	day := Day{UserID: userID, WorkDate: key, DayType: p.typ, Status: r.Status, Flags: r.Flags, LateMinutes: r.LateMinutes,
		EarlyMinutes: r.EarlyMinutes, WorkedMinutes: r.WorkedMinutes, OvertimeMinutes: r.OvertimeMinutes, LeaveType: r.LeaveType,
		LeaveMinutes: r.LeaveMinutes, LeaveHalfDays: r.LeaveHalfDays, FirstIn: r.FirstIn, LastOut: r.LastOut, ComputedAt: now.UTC()}
	if p.group != nil {
		day.GroupID = p.group.ID
	}
	if p.unscheduled {
		day.Flags = appendOnce(day.Flags, FlagUnscheduled)
	}
	if p.shift != nil {
		day.ShiftID = p.shift.ID
	}
	return day
}

// boardDays derives many people's day (the team board, a punch batch)
// from one read of each kind of fact (days_set.go), stores those that
// changed, and returns each person's effective punches. w names the same
// people as us.
func (s *Service) boardDays(tx *gorm.DB, us []userRow, w who, date time.Time) ([]Day, map[string][]Punch, error) {
	f, err := s.loadFacts(tx, w, date, date, "", true)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock.Now()
	days := make([]Day, 0, len(us))
	eff := make(map[string][]Punch, len(us))
	var changed []Day
	for _, u := range us {
		day, ps := s.deriveOne(f, u, date, now)
		eff[u.ID] = ps
		days = append(days, day)
		if s.needsWrite(f, day, date, now) {
			changed = append(changed, day)
		}
	}
	if err := storeDays(tx, changed); err != nil {
		return nil, nil, err
	}
	return days, eff, nil
}
