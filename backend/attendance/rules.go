package attendance

import (
	"sort"
	"time"
)

// Day types, from the company calendar and the group's week.
const (
	DayWork    = "work"    // a working day (a make-up day 调休 included)
	DayRest    = "rest"    // the group's weekly rest day
	DayHoliday = "holiday" // a public holiday of the company calendar
)

// Daily result statuses (the day's headline; Flags carry the rest).
const (
	StatusNormal       = "normal"
	StatusLate         = "late"
	StatusSeriousLate  = "serious_late"
	StatusEarly        = "early_leave"
	StatusMissing      = "missing_punch"
	StatusAbsent       = "absent"
	StatusLeave        = "on_leave"
	StatusTrip         = "business_trip"
	StatusOuting       = "outing"
	StatusRest         = "rest"
	StatusHoliday      = "holiday"
	StatusPending      = "pending" // the day's punch windows are not over yet
	FlagField          = "field"
	FlagFieldAwaiting  = "field_awaiting" // a field punch waits for the head's approval
	FlagOvertime       = "overtime"
	FlagLate           = "late"
	FlagSeriousLate    = "serious_late"
	FlagEarly          = "early_leave"
	FlagMissingIn      = "missing_in"
	FlagMissingOut     = "missing_out"
	FlagLeave          = "on_leave"
	FlagTrip           = "business_trip"
	FlagOuting         = "outing"
	ExcuseLeave        = "leave"
	ExcuseTrip         = "business_trip"
	ExcuseOuting       = "outing"
	ScheduleFixed      = "fixed"
	ScheduleFree       = "free"
	overtimeMinimum    = 30 * time.Minute // shorter stays after the shift are not overtime
	overtimeBlock      = 30 * time.Minute // overtime counts in half hours
	defaultFreeMinutes = 8 * 60
)

// Rule is a shift as the engine reads it: offsets from the work day's
// midnight (End beyond 24h crosses midnight), a lunch break inside it, the
// punch window around it and the thresholds.
type Rule struct {
	Start, End           time.Duration
	BreakStart, BreakEnd time.Duration // both 0: no break
	EarliestIn           time.Duration // punches count from Start-EarliestIn
	LatestOut            time.Duration // ... until End+LatestOut
	Grace                time.Duration // arriving this late is still on time
	Flex                 time.Duration // 晚到晚走: arrive up to Flex late, leave as much later
	SeriousLate          time.Duration // late this much or more: serious (0: never)
	AbsentLate           time.Duration // late this much or more: counted absent (0: never)
}

// PunchFact is one effective punch as the engine reads it.
type PunchFact struct {
	At    time.Time
	Field bool
}

// Excuse is an approved interval that needs no presence.
type Excuse struct {
	Kind      string // ExcuseLeave, ExcuseTrip, ExcuseOuting
	LeaveType string
	Start     time.Time
	End       time.Time
}

// DayInput is everything one person's day is computed from.
type DayInput struct {
	Date        time.Time // the work day's midnight, in the company zone
	Type        string    // DayWork, DayRest, DayHoliday
	Schedule    string    // ScheduleFixed or ScheduleFree
	Rule        *Rule     // fixed: the day's shift (nil on a rest day)
	FreeMinutes int       // free hours: required minutes a day
	Punches     []PunchFact
	Excuses     []Excuse
	Now         time.Time // results of a day whose window is still open are pending
}

// DayResult is one person's day.
type DayResult struct {
	Status          string     `json:"status"`
	Flags           []string   `json:"flags"`
	LateMinutes     int        `json:"late_minutes"`
	EarlyMinutes    int        `json:"early_minutes"`
	WorkedMinutes   int        `json:"worked_minutes"`
	OvertimeMinutes int        `json:"overtime_minutes"`
	LeaveType       string     `json:"leave_type"`
	LeaveMinutes    int        `json:"leave_minutes"`
	LeaveHalfDays   int        `json:"leave_half_days"`
	FirstIn         *time.Time `json:"first_in"`
	LastOut         *time.Time `json:"last_out"`
	Absent          bool       `json:"absent"`
}

type span struct{ s, e time.Time }

func (a span) dur() time.Duration {
	if a.e.After(a.s) {
		return a.e.Sub(a.s)
	}
	return 0
}

// minus removes cut from each span.
func minus(in []span, cut span) []span {
	var out []span
	for _, x := range in {
		if !cut.s.Before(x.e) || !cut.e.After(x.s) {
			out = append(out, x)
			continue
		}
		if cut.s.After(x.s) {
			out = append(out, span{x.s, cut.s})
		}
		if cut.e.Before(x.e) {
			out = append(out, span{cut.e, x.e})
		}
	}
	return out
}

func total(in []span) time.Duration {
	var d time.Duration
	for _, x := range in {
		d += x.dur()
	}
	return d
}

func overlap(in []span, w span) time.Duration {
	var d time.Duration
	for _, x := range in {
		s, e := x.s, x.e
		if w.s.After(s) {
			s = w.s
		}
		if w.e.Before(e) {
			e = w.e
		}
		if e.After(s) {
			d += e.Sub(s)
		}
	}
	return d
}

// Window is the span of instants whose punches belong to the day.
func (r Rule) Window(date time.Time) (from, to time.Time) {
	return date.Add(r.Start - r.EarliestIn), date.Add(r.End + r.LatestOut)
}

func mins(d time.Duration) int { return int(d / time.Minute) }

// Evaluate computes one day. It is pure: everything comes in DayInput.
func Evaluate(in DayInput) DayResult {
	res := DayResult{Flags: []string{}}
	ps := append([]PunchFact(nil), in.Punches...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].At.Before(ps[j].At) })
	for _, p := range ps {
		if p.Field {
			res.Flags = appendOnce(res.Flags, FlagField)
			break
		}
	}
	if len(ps) > 0 {
		f, l := ps[0].At, ps[len(ps)-1].At
		res.FirstIn = &f
		if len(ps) > 1 {
			res.LastOut = &l
		}
	}
	if in.Type != DayWork || (in.Schedule == ScheduleFixed && in.Rule == nil) {
		res.Status = StatusRest
		if in.Type == DayHoliday {
			res.Status = StatusHoliday
		}
		// Work on a day off is overtime, all of it.
		if len(ps) > 1 {
			res.WorkedMinutes = mins(ps[len(ps)-1].At.Sub(ps[0].At))
			res.OvertimeMinutes = overtimeOf(ps[len(ps)-1].At.Sub(ps[0].At))
			if res.OvertimeMinutes > 0 {
				res.Flags = appendOnce(res.Flags, FlagOvertime)
			}
		}
		return res
	}
	if in.Schedule == ScheduleFree {
		return evalFree(in, ps, res)
	}
	return evalFixed(in, ps, res)
}

func overtimeOf(d time.Duration) int {
	if d < overtimeMinimum {
		return 0
	}
	return mins(d / overtimeBlock * overtimeBlock)
}

func appendOnce(fs []string, f string) []string {
	for _, x := range fs {
		if x == f {
			return fs
		}
	}
	return append(fs, f)
}

// excused applies the day's excuses to work (the shift minus the break):
// what remains must be worked; the leave part is counted.
func excused(in DayInput, work []span, res *DayResult) []span {
	rest := work
	for _, x := range in.Excuses {
		cut := span{x.Start, x.End}
		gone := overlap(rest, cut)
		if gone <= 0 {
			continue
		}
		rest = minus(rest, cut)
		switch x.Kind {
		case ExcuseLeave:
			res.Flags = appendOnce(res.Flags, FlagLeave)
			res.LeaveMinutes += mins(gone)
			if res.LeaveType == "" {
				res.LeaveType = x.LeaveType
			}
		case ExcuseTrip:
			res.Flags = appendOnce(res.Flags, FlagTrip)
		case ExcuseOuting:
			res.Flags = appendOnce(res.Flags, FlagOuting)
		}
	}
	if full := total(work); full > 0 && res.LeaveMinutes > 0 {
		// Half days: each half of the working time (rounded up).
		half := full / 2
		res.LeaveHalfDays = int((time.Duration(res.LeaveMinutes)*time.Minute + half - time.Minute) / half)
		if res.LeaveHalfDays > 2 {
			res.LeaveHalfDays = 2
		}
	}
	return rest
}

// excusedStatus is the headline of a day fully covered by excuses.
func excusedStatus(res DayResult) string {
	switch {
	case res.LeaveMinutes > 0:
		return StatusLeave
	case contains(res.Flags, FlagTrip):
		return StatusTrip
	default:
		return StatusOuting
	}
}

func contains(fs []string, f string) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

func evalFixed(in DayInput, ps []PunchFact, res DayResult) DayResult {
	r := *in.Rule
	d := in.Date
	shift := span{d.Add(r.Start), d.Add(r.End)}
	work := []span{shift}
	if r.BreakEnd > r.BreakStart {
		work = minus(work, span{d.Add(r.BreakStart), d.Add(r.BreakEnd)})
	}
	due := excused(in, work, &res)
	wFrom, wTo := r.Window(d)
	var inWin []PunchFact
	for _, p := range ps {
		if !p.At.Before(wFrom) && !p.At.After(wTo) {
			inWin = append(inWin, p)
		}
	}
	res.FirstIn, res.LastOut = nil, nil
	if len(due) == 0 {
		res.Status = excusedStatus(res)
		if len(inWin) > 0 {
			f := inWin[0].At
			res.FirstIn = &f
		}
		return res
	}
	start, end := due[0].s, due[len(due)-1].e
	// Away on a trip or an outing at the shift's start or end: that punch
	// is not expected (the person is not there to make it). Leave moves the
	// expected punch to the edge of the time still due instead.
	needIn := !awayAt(in.Excuses, shift.s)
	needOut := !awayAt(in.Excuses, shift.e.Add(-time.Minute))
	var pin, pout *time.Time
	switch {
	case len(inWin) >= 2:
		a, b := inWin[0].At, inWin[len(inWin)-1].At
		pin, pout = &a, &b
	case len(inWin) == 1:
		// One punch: it is the arrival when nearer the start, else the departure.
		a := inWin[0].At
		if !needOut || (needIn && a.Sub(start) < end.Sub(a)) {
			pin = &a
		} else {
			pout = &a
		}
	}
	res.FirstIn, res.LastOut = pin, pout
	windowOver := !in.Now.Before(wTo)
	if pin == nil && pout == nil {
		if !windowOver {
			res.Status = StatusPending
			return res
		}
		res.Status, res.Absent = StatusAbsent, true
		return res
	}
	// Lateness, with flexible start (晚到晚走) and grace.
	reqEnd := end
	if pin != nil && pin.After(start) {
		late := pin.Sub(start)
		shift := late
		if shift > r.Flex {
			shift = r.Flex
		}
		reqEnd = end.Add(shift)
		late -= shift
		if late > r.Grace {
			res.LateMinutes = mins(late)
		}
	}
	if res.LateMinutes > 0 {
		res.Flags = appendOnce(res.Flags, FlagLate)
		if r.SeriousLate > 0 && time.Duration(res.LateMinutes)*time.Minute >= r.SeriousLate {
			res.Flags = appendOnce(res.Flags, FlagSeriousLate)
		}
		if r.AbsentLate > 0 && time.Duration(res.LateMinutes)*time.Minute >= r.AbsentLate {
			res.Absent = true
		}
	}
	if pout != nil && pout.Before(reqEnd) {
		res.EarlyMinutes = mins(reqEnd.Sub(*pout))
		if res.EarlyMinutes > 0 {
			res.Flags = appendOnce(res.Flags, FlagEarly)
		}
	}
	if pout != nil && pout.After(reqEnd) {
		if ot := overtimeOf(pout.Sub(reqEnd)); ot > 0 {
			res.OvertimeMinutes = ot
			res.Flags = appendOnce(res.Flags, FlagOvertime)
		}
	}
	if pin != nil && pout != nil {
		res.WorkedMinutes = mins(overlap(due, span{*pin, *pout}))
	}
	missIn := pin == nil && needIn
	missOut := pout == nil && needOut && windowOver
	if missIn {
		res.Flags = appendOnce(res.Flags, FlagMissingIn)
	}
	if missOut {
		res.Flags = appendOnce(res.Flags, FlagMissingOut)
	}
	switch {
	case res.Absent:
		res.Status = StatusAbsent
	case missIn || missOut:
		res.Status = StatusMissing
	case contains(res.Flags, FlagSeriousLate):
		res.Status = StatusSeriousLate
	case res.LateMinutes > 0:
		res.Status = StatusLate
	case res.EarlyMinutes > 0:
		res.Status = StatusEarly
	case pout == nil && needOut:
		res.Status = StatusPending
	default:
		res.Status = StatusNormal
	}
	return res
}

// evalFree: free hours (自由工时) count only absence: a working day with no
// punch at all, once it is over, unless excused.
func evalFree(in DayInput, ps []PunchFact, res DayResult) DayResult {
	need := in.FreeMinutes
	if need <= 0 {
		need = defaultFreeMinutes
	}
	day := span{in.Date, in.Date.Add(24 * time.Hour)}
	work := []span{{in.Date.Add(9 * time.Hour), in.Date.Add(9*time.Hour + time.Duration(need)*time.Minute)}}
	due := excused(in, work, &res)
	if len(due) == 0 {
		res.Status = excusedStatus(res)
		return res
	}
	var inDay []PunchFact
	for _, p := range ps {
		if !p.At.Before(day.s) && p.At.Before(day.e) {
			inDay = append(inDay, p)
		}
	}
	if len(inDay) == 0 {
		if in.Now.Before(day.e) {
			res.Status = StatusPending
			return res
		}
		res.Status, res.Absent = StatusAbsent, true
		return res
	}
	if len(inDay) > 1 {
		res.WorkedMinutes = mins(inDay[len(inDay)-1].At.Sub(inDay[0].At))
	}
	res.Status = StatusNormal
	return res
}

// awayAt reports whether a trip or an outing covers instant t.
func awayAt(xs []Excuse, t time.Time) bool {
	for _, x := range xs {
		if (x.Kind == ExcuseTrip || x.Kind == ExcuseOuting) && !t.Before(x.Start) && t.Before(x.End) {
			return true
		}
	}
	return false
}
