package attendance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/approval"
	"tack/backend/store"
	"tack/backend/workcal"
)

// Set-based derivation: the team board and the month sheet derive many
// people's days at once. Each kind of fact (calendar, groups, shifts, rota,
// punches, excuses, stored days) is read once for everyone, and only the
// days whose result changed are written. The per-person path
// (recomputeDays) stays the reference: TestSetDerivationMatchesPerPerson
// compares the two on a mixed company.

// who names the people a set-based read covers: the active people of some
// departments, as a subquery (SQLite's driver binds parameters in time
// quadratic in their number, so 500 IDs in an IN list cost more than the
// query: bench/RESULTS.md, Attendance), or a short list of IDs (a punch batch).
type who struct {
	depts []string // the active people of these departments
	ids   []string
}

// in is the condition "col is one of them".
func (w who) in(tx *gorm.DB, col string) *gorm.DB {
	q := tx.Session(&gorm.Session{NewDB: true})
	if w.ids == nil {
		sub := tx.Session(&gorm.Session{NewDB: true}).Table("users").Select("id").Where("active = ? AND department_id IN ?", true, w.depts)
		return q.Where(col+" IN (?)", sub)
	}
	if len(w.ids) == 0 {
		return q.Where("1 = 0")
	}
	var c *gorm.DB
	for chunk := range slices.Chunk(w.ids, 500) {
		if c == nil {
			c = q.Where(col+" IN ?", chunk)
		} else {
			c = c.Or(col+" IN ?", chunk)
		}
	}
	return c
}

// factSet is what deriving many people's days over a range of dates reads.
type factSet struct {
	cal     workcal.Calendar
	gr      *groupResolver
	shifts  map[string]Shift
	rota    map[string]map[string]string  // user → date → shift ("" rest)
	punches map[string]map[string][]Punch // user → date → rows in seq order
	xs      map[string][]excuseRow        // user → excuses around the range
	stored  map[string]map[string]Day     // user → date → the stored day
}

// punchColumns are what deriving a day reads of a punch (the month sheet
// returns days only; the board returns whole punches and reads whole rows).
const punchColumns = "id, seq, user_id, work_date, at, method, review, voids, reason"

// loadFacts reads everything deriving w's days from..to (company midnights)
// needs; cols "" reads whole punch rows. withPunches false leaves punches
// unread (the caller reads them only if some day must be derived).
func (s *Service) loadFacts(tx *gorm.DB, w who, from, to time.Time, cols string, withPunches bool) (*factSet, error) {
	f := &factSet{rota: map[string]map[string]string{}, punches: map[string]map[string][]Punch{},
		xs: map[string][]excuseRow{}, stored: map[string]map[string]Day{}}
	fk, tk := from.Format(time.DateOnly), to.Format(time.DateOnly)
	var err error
	if f.cal, err = s.cal.Load(tx); err != nil {
		return nil, err
	}
	if f.gr, err = s.loadGroupResolverWho(tx, w); err != nil {
		return nil, err
	}
	cfg, err := s.config(tx)
	if err != nil {
		return nil, err
	}
	f.shifts = cfg.shifts // shared: deriving only reads it
	if hasRota(f.gr) {
		var rs []rotaRow
		if err := tx.Where(w.in(tx, "user_id")).Where("work_date >= ? AND work_date <= ?", fk, tk).Find(&rs).Error; err != nil {
			return nil, fmt.Errorf("attendance: rota: %w", err)
		}
		for _, r := range rs {
			if f.rota[r.UserID] == nil {
				f.rota[r.UserID] = map[string]string{}
			}
			f.rota[r.UserID][r.WorkDate] = r.ShiftID
		}
	}
	var xs []excuseRow
	if err := tx.Where(w.in(tx, "user_id")).Where("start_at < ? AND end_at > ?", to.AddDate(0, 0, 2), from.AddDate(0, 0, -1)).Find(&xs).Error; err != nil {
		return nil, fmt.Errorf("attendance: excuses: %w", err)
	}
	for _, x := range xs {
		f.xs[x.UserID] = append(f.xs[x.UserID], x)
	}
	var ds []Day
	if err := tx.Where(w.in(tx, "user_id")).Where("work_date >= ? AND work_date <= ?", fk, tk).Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("attendance: days: %w", err)
	}
	for _, d := range ds {
		if f.stored[d.UserID] == nil {
			f.stored[d.UserID] = map[string]Day{}
		}
		f.stored[d.UserID][d.WorkDate] = d
	}
	if withPunches {
		return f, s.loadPunches(tx, f, w, fk, tk, cols)
	}
	return f, nil
}

// loadPunches reads w's punch rows fk..tk into f.
func (s *Service) loadPunches(tx *gorm.DB, f *factSet, w who, fk, tk, cols string) error {
	q := tx.Where(w.in(tx, "user_id")).Where("work_date >= ? AND work_date <= ?", fk, tk)
	if cols != "" {
		q = q.Select(cols)
	}
	var rows []Punch
	if err := q.Order("seq").Find(&rows).Error; err != nil {
		return fmt.Errorf("attendance: punches: %w", err)
	}
	for _, p := range rows {
		if f.punches[p.UserID] == nil {
			f.punches[p.UserID] = map[string][]Punch{}
		}
		f.punches[p.UserID][p.WorkDate] = append(f.punches[p.UserID][p.WorkDate], p)
	}
	return nil
}

// hasRota reports whether any group schedules by rota (else no rota cell
// can matter and none is read).
func hasRota(gr *groupResolver) bool {
	for _, g := range gr.groups {
		if g.Schedule == ScheduleRota {
			return true
		}
	}
	return false
}

// deriveOne derives u's day d from the loaded facts, with its effective punches.
func (s *Service) deriveOne(f *factSet, u userRow, d time.Time, now time.Time) (Day, []Punch) {
	key := d.Format(time.DateOnly)
	pin := planInputs{cal: f.cal, group: f.gr.of(u), shifts: f.shifts, rota: f.rota[u.ID]}
	eff := effectiveOf(f.punches[u.ID][key])
	return s.derive(planWith(pin, d), u.ID, key, eff, f.xs[u.ID], now), eff
}

// sameDay reports whether two results of one person's day agree in
// everything but when they were computed.
func sameDay(a, b Day) bool {
	t := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.GroupID == b.GroupID && a.ShiftID == b.ShiftID && a.DayType == b.DayType && a.Status == b.Status &&
		slices.Equal(a.Flags, b.Flags) && a.LateMinutes == b.LateMinutes && a.EarlyMinutes == b.EarlyMinutes &&
		a.WorkedMinutes == b.WorkedMinutes && a.OvertimeMinutes == b.OvertimeMinutes && a.LeaveType == b.LeaveType &&
		a.LeaveMinutes == b.LeaveMinutes && a.LeaveHalfDays == b.LeaveHalfDays && t(a.FirstIn, b.FirstIn) && t(a.LastOut, b.LastOut)
}

// needsWrite: a derived day is stored unless the stored row already says
// the same, and says it as finally (the days job and stale() read
// computed_at: a row computed before its day closed is still open, so one
// derived after the close is written even when nothing else changed).
func (s *Service) needsWrite(f *factSet, fresh Day, d time.Time, now time.Time) bool {
	old, ok := f.stored[fresh.UserID][fresh.WorkDate]
	if !ok || !sameDay(old, fresh) {
		return true
	}
	closed := s.closeAt(fresh, d, f.shifts)
	if old.ComputedAt.Before(closed) && !now.Before(closed) {
		return true
	}
	return s.stale(old, now) && !s.stale(fresh, now)
}

// storeDays upserts days: on PostgreSQL in multi-row statements, on SQLite
// as one JSON parameter per 1,000 rows (sqliteUpsertDays).
func storeDays(tx *gorm.DB, days []Day) error {
	if len(days) == 0 {
		return nil
	}
	if !store.IsPostgres(tx) {
		return sqliteUpsertDays(tx, days)
	}
	if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(days, 500).Error; err != nil {
		return fmt.Errorf("attendance: day: %w", err)
	}
	return nil
}

// dayColumns are attendance_days' columns in the order sqliteUpsertDays sends them.
var dayColumns = []string{"user_id", "work_date", "group_id", "shift_id", "day_type", "status", "flags", "late_minutes", "early_minutes",
	"worked_minutes", "overtime_minutes", "leave_type", "leave_minutes", "leave_half_days", "first_in", "last_out", "computed_at"}

// sqliteUpsertDaysSQL takes the rows as one JSON array of arrays. A month
// sheet writes 31 days a person: as multi-row VALUES that was a statement
// of hundreds of placeholders every 40 rows, and the SQLite driver's
// parse and quadratic binding of those cost more than the inserts
// (bench/RESULTS.md, Attendance). "WHERE true" keeps SQLite's parser from
// reading ON CONFLICT as a join constraint.
var sqliteUpsertDaysSQL = func() string {
	var sel, set []string
	for i, c := range dayColumns {
		sel = append(sel, fmt.Sprintf("json_extract(value, '$[%d]')", i))
		if i >= 2 {
			set = append(set, c+" = excluded."+c)
		}
	}
	return "INSERT INTO attendance_days (" + strings.Join(dayColumns, ", ") + ") SELECT " + strings.Join(sel, ", ") +
		" FROM json_each(?) WHERE true ON CONFLICT (user_id, work_date) DO UPDATE SET " + strings.Join(set, ", ")
}()

// sqliteTime is how the SQLite driver writes a time.Time (glebarez/go-sqlite's
// default format), so a row stored here reads and compares as one stored by gorm.
const sqliteTime = "2006-01-02 15:04:05.999999999-07:00"

func sqliteUpsertDays(tx *gorm.DB, days []Day) error {
	tm := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(sqliteTime)
	}
	for chunk := range slices.Chunk(days, 1000) {
		rows := make([][]any, len(chunk))
		for i, d := range chunk {
			var flags any // as gorm's JSON serializer writes it: nil stays NULL
			if d.Flags != nil {
				b, err := json.Marshal(d.Flags)
				if err != nil {
					return fmt.Errorf("attendance: day flags: %w", err)
				}
				flags = string(b)
			}
			rows[i] = []any{d.UserID, d.WorkDate, d.GroupID, d.ShiftID, d.DayType, d.Status, flags, d.LateMinutes, d.EarlyMinutes,
				d.WorkedMinutes, d.OvertimeMinutes, d.LeaveType, d.LeaveMinutes, d.LeaveHalfDays, tm(d.FirstIn), tm(d.LastOut), tm(&d.ComputedAt)}
		}
		b, err := json.Marshal(rows)
		if err != nil {
			return fmt.Errorf("attendance: days: %w", err)
		}
		if err := tx.Exec(sqliteUpsertDaysSQL, string(b)).Error; err != nil {
			return fmt.Errorf("attendance: day: %w", err)
		}
	}
	return nil
}

// monthPerson is a person of a month sheet: nobody is absent before they joined.
type monthPerson struct {
	ID           string
	Name         string
	DepartmentID string
	Active       bool
	CreatedAt    time.Time
}

func (p monthPerson) row() userRow {
	return userRow{ID: p.ID, Name: p.Name, DepartmentID: p.DepartmentID, Active: p.Active}
}

// monthSet is monthDays (days.go) for the active people of a department at
// once: each person's days of the month starting at first up to today,
// deriving (and storing) those not materialised yet or computed while still
// open. It returns the days in us's order.
func (s *Service) monthSet(tx *gorm.DB, deptID string, us []monthPerson, first time.Time) ([][]Day, error) {
	out := make([][]Day, len(us))
	if len(us) == 0 {
		return out, nil
	}
	w := who{depts: []string{deptID}}
	last := first.AddDate(0, 1, -1)
	f, err := s.loadFacts(tx, w, first, last, punchColumns, false)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	today := s.midnight(now)
	type slot struct {
		person, at int
		date       time.Time
		preJoin    bool // kept only if the date has punch rows
	}
	var redo []slot
	for i, u := range us {
		start := first
		if j := s.midnight(u.CreatedAt); !u.CreatedAt.IsZero() && j.After(start) {
			start = j
		}
		for d := first; d.Month() == first.Month() && !d.After(today); d = d.AddDate(0, 0, 1) {
			day, ok := f.stored[u.ID][d.Format(time.DateOnly)]
			if !ok || s.stale(day, now) {
				redo = append(redo, slot{person: i, at: len(out[i]), date: d, preJoin: !ok && d.Before(start)})
			}
			out[i] = append(out[i], day)
		}
	}
	if len(redo) == 0 {
		return out, nil
	}
	if err := s.loadPunches(tx, f, w, first.Format(time.DateOnly), last.Format(time.DateOnly), punchColumns); err != nil {
		return nil, err
	}
	var changed []Day
	drop := map[int][]int{} // person → positions of pre-join days without punches
	for _, r := range redo {
		u := us[r.person]
		key := r.date.Format(time.DateOnly)
		if r.preJoin && len(f.punches[u.ID][key]) == 0 {
			// Before they joined only a day with punches (imported, corrected) counts.
			drop[r.person] = append(drop[r.person], r.at)
			continue
		}
		day, _ := s.deriveOne(f, u.row(), r.date, now)
		out[r.person][r.at] = day
		if s.needsWrite(f, day, r.date, now) {
			changed = append(changed, day)
		}
	}
	for p, ats := range drop {
		for k := len(ats) - 1; k >= 0; k-- {
			out[p] = slices.Delete(out[p], ats[k], ats[k]+1)
		}
	}
	return out, storeDays(tx, changed)
}

// makeupsUsed counts the makeup punches used (open or approved) in month
// by the active people of deptID (makeupUsed for one person).
func makeupsUsed(tx *gorm.DB, deptID, month string) (map[string]int, error) {
	var rows []struct {
		UserID string
		N      int
	}
	if err := tx.Model(&makeupRow{}).Select("user_id, COUNT(*) AS n").Where(who{depts: []string{deptID}}.in(tx, "user_id")).
		Where("month = ? AND status IN ?", month, []string{statusOpen, approval.StatusApproved}).Group("user_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("attendance: makeups: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.UserID] = r.N
	}
	return out, nil
}
