package attendance

import (
	"slices"
	"testing"
	"time"
)

var sh = time.FixedZone("CST", 8*3600)

// at is 2026-01-05 (a Monday) plus an offset, in the company zone.
func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-01-05 "+hhmm, sh)
	if err != nil {
		panic(err)
	}
	return t
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

func TestEvaluate(t *testing.T) {
	day := at("00:00")
	std := Rule{Start: hm(8, 30), End: hm(17, 30), BreakStart: hm(12, 0), BreakEnd: hm(13, 0), EarliestIn: hm(2, 0), LatestOut: hm(6, 0),
		Grace: 5 * time.Minute, SeriousLate: 30 * time.Minute, AbsentLate: 4 * time.Hour}
	flex := std
	flex.Flex = 30 * time.Minute
	night := Rule{Start: hm(22, 0), End: hm(30, 0), EarliestIn: hm(1, 0), LatestOut: hm(2, 0), Grace: 0}
	evening := at("23:59").Add(time.Hour * 10)
	p := func(ts ...string) []PunchFact {
		var out []PunchFact
		for _, s := range ts {
			out = append(out, PunchFact{At: at(s)})
		}
		return out
	}
	next := func(hhmm string) PunchFact { return PunchFact{At: at(hhmm).Add(24 * time.Hour)} }
	leave := func(from, to string) []Excuse {
		return []Excuse{{Kind: ExcuseLeave, LeaveType: "annual", Start: at(from), End: at(to)}}
	}
	cases := []struct {
		name   string
		in     DayInput
		status string
		flags  []string
		late   int
		early  int
		check  func(t *testing.T, r DayResult)
	}{
		{name: "on time", in: DayInput{Rule: &std, Punches: p("08:20", "17:35")}, status: StatusNormal},
		{name: "within grace", in: DayInput{Rule: &std, Punches: p("08:35", "17:31")}, status: StatusNormal},
		{name: "late past grace counts from the start", in: DayInput{Rule: &std, Punches: p("08:36", "17:31")}, status: StatusLate, flags: []string{FlagLate}, late: 6},
		{name: "serious late", in: DayInput{Rule: &std, Punches: p("09:00", "17:31")}, status: StatusSeriousLate, flags: []string{FlagLate, FlagSeriousLate}, late: 30},
		{name: "late beyond the absence threshold is absent", in: DayInput{Rule: &std, Punches: p("12:40", "17:31")}, status: StatusAbsent,
			check: func(t *testing.T, r DayResult) {
				if !r.Absent {
					t.Error("not absent")
				}
			}},
		{name: "early leave", in: DayInput{Rule: &std, Punches: p("08:25", "17:00")}, status: StatusEarly, flags: []string{FlagEarly}, early: 30},
		{name: "missing out after the window", in: DayInput{Rule: &std, Punches: p("08:25")}, status: StatusMissing, flags: []string{FlagMissingOut}},
		{name: "missing out while the window is open is pending", in: DayInput{Rule: &std, Punches: p("08:25"), Now: at("15:00")}, status: StatusPending},
		{name: "only an afternoon punch: missing in", in: DayInput{Rule: &std, Punches: p("17:40")}, status: StatusMissing, flags: []string{FlagMissingIn}},
		{name: "no punch: absent", in: DayInput{Rule: &std}, status: StatusAbsent},
		{name: "no punch yet in the morning: pending", in: DayInput{Rule: &std, Now: at("08:00")}, status: StatusPending},
		{name: "punches outside the window do not count", in: DayInput{Rule: &std, Punches: p("05:00", "23:59")}, status: StatusAbsent},
		{name: "flexible start: late arrival, late departure", in: DayInput{Rule: &flex, Punches: p("08:50", "17:50")}, status: StatusNormal},
		{name: "flexible start: late arrival, leaves on time = early", in: DayInput{Rule: &flex, Punches: p("08:50", "17:30")}, status: StatusEarly, early: 20},
		{name: "flexible start: later than the flex is late beyond it", in: DayInput{Rule: &flex, Punches: p("09:10", "18:00")}, status: StatusLate, late: 10},
		{name: "overtime after the shift", in: DayInput{Rule: &std, Punches: p("08:20", "19:45")}, status: StatusNormal, flags: []string{FlagOvertime},
			check: func(t *testing.T, r DayResult) {
				if r.OvertimeMinutes != 120 {
					t.Errorf("overtime %d, want 120", r.OvertimeMinutes)
				}
			}},
		{name: "cross midnight shift", in: DayInput{Rule: &night, Punches: []PunchFact{{At: at("21:50")}, next("06:05")}, Now: evening}, status: StatusNormal,
			check: func(t *testing.T, r DayResult) {
				if r.WorkedMinutes != 480 {
					t.Errorf("worked %d", r.WorkedMinutes)
				}
			}},
		{name: "cross midnight shift left early", in: DayInput{Rule: &night, Punches: []PunchFact{{At: at("21:50")}, next("05:00")}, Now: evening}, status: StatusEarly, early: 60},
		{name: "rest day", in: DayInput{Type: DayRest, Rule: nil}, status: StatusRest},
		{name: "holiday with work is overtime", in: DayInput{Type: DayHoliday, Rule: &std, Punches: p("09:00", "12:00")}, status: StatusHoliday, flags: []string{FlagOvertime},
			check: func(t *testing.T, r DayResult) {
				if r.OvertimeMinutes != 180 {
					t.Errorf("overtime %d", r.OvertimeMinutes)
				}
			}},
		{name: "make-up working day is a working day", in: DayInput{Type: DayWork, Rule: &std}, status: StatusAbsent},
		{name: "whole-day leave", in: DayInput{Rule: &std, Excuses: leave("00:00", "23:59")}, status: StatusLeave, flags: []string{FlagLeave},
			check: func(t *testing.T, r DayResult) {
				if r.LeaveMinutes != 480 || r.LeaveHalfDays != 2 || r.LeaveType != "annual" {
					t.Errorf("leave %d min %d halves %q", r.LeaveMinutes, r.LeaveHalfDays, r.LeaveType)
				}
			}},
		{name: "morning leave: due at 13:00", in: DayInput{Rule: &std, Excuses: leave("00:00", "12:00"), Punches: p("12:55", "17:31")}, status: StatusNormal, flags: []string{FlagLeave},
			check: func(t *testing.T, r DayResult) {
				if r.LeaveHalfDays != 1 || r.LeaveMinutes != 210 {
					t.Errorf("leave %d min %d halves", r.LeaveMinutes, r.LeaveHalfDays)
				}
			}},
		{name: "morning leave: late after the break", in: DayInput{Rule: &std, Excuses: leave("00:00", "12:00"), Punches: p("13:20", "17:31")}, status: StatusLate, late: 20},
		{name: "afternoon leave: may leave at noon", in: DayInput{Rule: &std, Excuses: leave("13:00", "23:59"), Punches: p("08:29", "12:01")}, status: StatusNormal},
		{name: "business trip covers the day", in: DayInput{Rule: &std, Excuses: []Excuse{{Kind: ExcuseTrip, Start: at("00:00"), End: at("23:59")}}}, status: StatusTrip},
		{name: "outing in the afternoon, no out punch needed", in: DayInput{Rule: &std, Excuses: []Excuse{{Kind: ExcuseOuting, Start: at("13:00"), End: at("23:00")}}, Punches: p("08:30")}, status: StatusNormal, flags: []string{FlagOuting}},
		{name: "field punch flagged", in: DayInput{Rule: &std, Punches: []PunchFact{{At: at("08:20"), Field: true}, {At: at("17:40")}}}, status: StatusNormal, flags: []string{FlagField}},
		{name: "free hours: any punch is present", in: DayInput{Schedule: ScheduleFree, FreeMinutes: 480, Punches: p("11:00", "14:00")}, status: StatusNormal},
		{name: "free hours: no punch is absent", in: DayInput{Schedule: ScheduleFree, FreeMinutes: 480, Now: at("23:59").Add(time.Minute)}, status: StatusAbsent},
		{name: "free hours: leave excuses", in: DayInput{Schedule: ScheduleFree, Excuses: leave("00:00", "23:59"), Now: evening}, status: StatusLeave},
		{name: "free hours: rest day", in: DayInput{Schedule: ScheduleFree, Type: DayRest}, status: StatusRest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			in.Date = day
			if in.Type == "" {
				in.Type = DayWork
			}
			if in.Schedule == "" {
				in.Schedule = ScheduleFixed
			}
			if in.Now.IsZero() {
				in.Now = at("23:59").Add(24 * time.Hour)
			}
			r := Evaluate(in)
			if r.Status != c.status {
				t.Fatalf("status %q, want %q (%+v)", r.Status, c.status, r)
			}
			for _, f := range c.flags {
				if !slices.Contains(r.Flags, f) {
					t.Errorf("flags %v lack %q", r.Flags, f)
				}
			}
			if c.late != 0 && r.LateMinutes != c.late {
				t.Errorf("late %d, want %d", r.LateMinutes, c.late)
			}
			if c.early != 0 && r.EarlyMinutes != c.early {
				t.Errorf("early %d, want %d", r.EarlyMinutes, c.early)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}
