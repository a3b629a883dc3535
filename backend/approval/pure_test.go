package approval

import (
	"testing"
	"time"

	"tack/backend/apperr"
	"tack/backend/workcal"
)

func TestValidateForm(t *testing.T) {
	min := 1.0
	fields := []Field{
		{Key: "n", Type: FieldNumber, Required: true, Min: &min},
		{Key: "m", Type: FieldMoney, Required: true},
		{Key: "r", Type: FieldDateRange, Required: true, HalfDay: true},
		{Key: "s", Type: FieldSelect, Options: []Option{{Value: "a"}}},
		{Key: "ms", Type: FieldMultiSelect, Options: []Option{{Value: "a"}, {Value: "b"}}},
		{Key: "tb", Type: FieldTable, Columns: []Field{{Key: "x", Type: FieldText, Required: true}, {Key: "amt", Type: FieldMoney}}},
		{Key: "d", Type: FieldDate},
		{Key: "att", Type: FieldAttachment},
	}
	var v apperr.Validator
	out := ValidateForm(fields, map[string]any{
		"n": 2.0, "m": map[string]any{"amount": 1234.0}, "r": map[string]any{"start": "2026-01-05", "end": "2026-01-07", "start_half": "pm"},
		"s": "a", "ms": []any{"a", "b"}, "tb": []any{map[string]any{"x": "pen", "amt": map[string]any{"amount": 100.0, "currency": "cny"}}},
		"d": "2026-01-05", "att": []any{"e1"},
	}, nil, &v)
	if !v.Valid() {
		t.Fatalf("valid form refused: %v", v.Err("k", "m"))
	}
	if out["r"].(map[string]any)["days"] != 2.5 || out["m"].(map[string]any)["amount"] != int64(1234) {
		t.Fatalf("normalised %+v", out)
	}
	var v2 apperr.Validator
	ValidateForm(fields, map[string]any{"n": 0.0, "m": map[string]any{"amount": 1.5}, "r": map[string]any{"start": "2026-01-07", "end": "2026-01-05"},
		"s": "z", "ms": []any{"q"}, "tb": []any{map[string]any{}}, "d": "5 Jan"}, nil, &v2)
	e, _ := apperr.As(v2.Err("approval.invalid_form", "x"))
	want := map[string]string{"form.n": "too_small", "form.m": "invalid", "form.r": "bad_range", "form.s": "invalid", "form.ms": "invalid", "form.tb.0.x": "required", "form.d": "invalid"}
	for k, w := range want {
		if e.Fields[k] != w {
			t.Errorf("%s = %q, want %q (all %v)", k, e.Fields[k], w, e.Fields)
		}
	}
}

func TestConditionMatches(t *testing.T) {
	form := map[string]any{"period": map[string]any{"days": 5.0}, "amount": map[string]any{"amount": int64(500000)}, "kind": "sick"}
	a := Applicant{Departments: []string{"sales", "root"}, Roles: []string{"member"}}
	yes := []Condition{{Kind: CondField, Field: "period", Op: OpGTE, Value: 3.0}, {Kind: CondField, Field: "amount", Op: OpGTE, Value: 500000.0},
		{Kind: CondField, Field: "kind", Op: OpEq, Value: "sick"}, {Kind: CondField, Field: "kind", Op: OpIn, Values: []string{"sick", "annual"}},
		{Kind: CondDepartment, DepartmentID: "root"}, {Kind: CondRole, Role: "member"}}
	no := []Condition{{Kind: CondField, Field: "period", Op: OpLT, Value: 3.0}, {Kind: CondField, Field: "missing", Op: OpGT, Value: 1.0},
		{Kind: CondDepartment, DepartmentID: "rd"}, {Kind: CondRole, Role: "admin"}}
	for _, c := range yes {
		if !c.Matches(form, a) {
			t.Errorf("%+v should match", c)
		}
	}
	for _, c := range no {
		if c.Matches(form, a) {
			t.Errorf("%+v should not match", c)
		}
	}
}

func TestSummarize(t *testing.T) {
	ds := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	s := summarize("k", "n", ds)
	if s.Count != 10 || s.AvgSeconds != 5.5 || s.P90Seconds != 9 {
		t.Fatalf("%+v", s)
	}
	if s := summarize("k", "n", []float64{42}); s.P90Seconds != 42 {
		t.Fatalf("%+v", s)
	}
}

// A leave field counting working days uses the calendar: weekends and
// holidays are free, a weekend-only leave is refused.
func TestWorkingDayLeaveForm(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	c := workcal.Calendar{Loc: sh, Overrides: map[string]bool{"2026-10-01": false, "2026-10-02": false, "2026-10-10": true}}
	f := []Field{{Key: "p", Type: FieldDateRange, HalfDay: true, DayCount: DaysWorking}}
	var v apperr.Validator
	out := ValidateForm(f, map[string]any{"p": map[string]any{"start": "2026-01-09", "end": "2026-01-12"}}, &c, &v)
	if !v.Valid() || out["p"].(map[string]any)["days"] != 2.0 {
		t.Fatalf("working-day leave %v %v", out, v.Err("k", "m"))
	}
	var v2 apperr.Validator
	ValidateForm(f, map[string]any{"p": map[string]any{"start": "2026-01-10", "end": "2026-01-11"}}, &c, &v2)
	if e, _ := apperr.As(v2.Err("k", "m")); e == nil || e.Fields["form.p"] != "no_working_days" {
		t.Fatalf("weekend-only leave accepted: %v", v2.Err("k", "m"))
	}
}
