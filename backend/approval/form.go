package approval

import (
	"fmt"
	"math"
	"strings"
	"time"

	"tack/backend/apperr"
	"tack/backend/workcal"
)

// Field types of the form schema.
const (
	FieldText        = "text"
	FieldTextarea    = "textarea"
	FieldNumber      = "number"
	FieldMoney       = "money"     // {"amount": cents, "currency": "CNY"}
	FieldDate        = "date"      // "2026-11-23"
	FieldDateRange   = "daterange" // {"start","end","start_half","end_half"} → days computed
	FieldSelect      = "select"
	FieldMultiSelect = "multiselect"
	FieldPerson      = "person"     // user ID
	FieldDepartment  = "department" // department ID
	FieldAttachment  = "attachment" // drive entry IDs
	FieldTable       = "table"      // detail rows with Columns
)

// Option is a select choice.
type Option struct {
	Value   string `json:"value"`
	LabelZh string `json:"label_zh"`
	LabelEn string `json:"label_en"`
}

// Field is one form field. Table fields have Columns (sub-fields, no nested tables).
type Field struct {
	Key       string   `json:"key"`
	Type      string   `json:"type"`
	LabelZh   string   `json:"label_zh"`
	LabelEn   string   `json:"label_en"`
	Required  bool     `json:"required"`
	Options   []Option `json:"options,omitempty"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	MaxLength int      `json:"max_length,omitempty"`
	HalfDay   bool     `json:"half_day,omitempty"`  // daterange: allow AM/PM halves
	DayCount  string   `json:"day_count,omitempty"` // daterange: "working" counts working days of the calendar, else calendar days
	Columns   []Field  `json:"columns,omitempty"`
	Title     bool     `json:"title,omitempty"` // value shown in the instance title
}

// Day count modes of a date range.
const (
	DaysCalendar = "calendar"
	DaysWorking  = "working" // weekends and holidays do not count, make-up days do
)

// ValidateForm checks values against fields and returns a normalised copy
// (daterange gets "days", money amounts become integers). Field errors are
// keyed "form.<key>" or "form.<table>.<row>.<col>". cal counts the days of
// "working" date ranges (nil: the default Monday–Friday week).
func ValidateForm(fields []Field, values map[string]any, cal *workcal.Calendar, v *apperr.Validator) map[string]any {
	out := map[string]any{}
	if values == nil {
		values = map[string]any{}
	}
	if cal == nil {
		cal = &workcal.Calendar{Loc: time.UTC}
	}
	for _, f := range fields {
		if nv, ok := validateValue(f, values[f.Key], "form."+f.Key, cal, v); ok {
			out[f.Key] = nv
		}
	}
	return out
}

func isEmpty(x any) bool {
	switch t := x.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func validateValue(f Field, x any, path string, cal *workcal.Calendar, v *apperr.Validator) (any, bool) {
	if isEmpty(x) {
		v.Check(!f.Required, path, "required")
		return nil, false
	}
	switch f.Type {
	case FieldText, FieldTextarea, FieldDate, FieldSelect, FieldPerson, FieldDepartment:
		s, ok := x.(string)
		if !ok {
			v.Check(false, path, "invalid")
			return nil, false
		}
		max := f.MaxLength
		if max == 0 {
			max = 200
			if f.Type == FieldTextarea {
				max = 5000
			}
		}
		v.Check(len([]rune(s)) <= max, path, "too_long")
		if f.Type == FieldDate {
			_, err := time.Parse(time.DateOnly, s)
			v.Check(err == nil, path, "invalid")
		}
		if f.Type == FieldSelect {
			v.Check(hasOption(f.Options, s), path, "invalid")
		}
		return s, true
	case FieldNumber:
		n, ok := x.(float64)
		if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
			v.Check(false, path, "invalid")
			return nil, false
		}
		v.Check(f.Min == nil || n >= *f.Min, path, "too_small")
		v.Check(f.Max == nil || n <= *f.Max, path, "too_large")
		return n, true
	case FieldMoney:
		m, ok := x.(map[string]any)
		amt, ok2 := m["amount"].(float64)
		if !ok || !ok2 || amt != math.Trunc(amt) {
			v.Check(false, path, "invalid")
			return nil, false
		}
		cur, _ := m["currency"].(string)
		if cur == "" {
			cur = "CNY"
		}
		v.Check(len(cur) == 3, path, "invalid")
		v.Check(amt >= 0, path, "too_small")
		v.Check(f.Min == nil || amt >= *f.Min, path, "too_small")
		v.Check(f.Max == nil || amt <= *f.Max, path, "too_large")
		return map[string]any{"amount": int64(amt), "currency": strings.ToUpper(cur)}, true
	case FieldDateRange:
		m, ok := x.(map[string]any)
		if !ok {
			v.Check(false, path, "invalid")
			return nil, false
		}
		s, _ := m["start"].(string)
		e, _ := m["end"].(string)
		sh, _ := m["start_half"].(string) // "am"|"pm"; a whole day by default
		eh, _ := m["end_half"].(string)
		if f.HalfDay {
			if sh == "" {
				sh = "am"
			}
			if eh == "" {
				eh = "pm"
			}
			if (sh != "am" && sh != "pm") || (eh != "am" && eh != "pm") {
				v.Check(false, path, "invalid")
				return nil, false
			}
		}
		days, err := RangeDays(s, e, sh, eh, f.HalfDay)
		if err == nil && f.DayCount == DaysWorking {
			days = cal.WorkingDays(s, e, sh, eh, f.HalfDay)
			if days <= 0 {
				v.Check(false, path, "no_working_days")
				return nil, false
			}
		}
		if err != nil {
			v.Check(false, path, "bad_range")
			return nil, false
		}
		out := map[string]any{"start": s, "end": e, "days": days}
		if f.HalfDay {
			out["start_half"], out["end_half"] = sh, eh
		}
		return out, true
	case FieldMultiSelect, FieldAttachment:
		arr, ok := x.([]any)
		if !ok {
			v.Check(false, path, "invalid")
			return nil, false
		}
		if f.Type == FieldAttachment && len(arr) > maxAttachments {
			v.Check(false, path, "too_large")
			return nil, false
		}
		ss := make([]any, 0, len(arr))
		for _, a := range arr {
			s, ok := a.(string)
			if !ok || (f.Type == FieldMultiSelect && !hasOption(f.Options, s)) {
				v.Check(false, path, "invalid")
				return nil, false
			}
			ss = append(ss, s)
		}
		return ss, true
	case FieldTable:
		rows, ok := x.([]any)
		if !ok {
			v.Check(false, path, "invalid")
			return nil, false
		}
		v.Check(len(rows) <= 200, path, "too_large")
		out := make([]any, 0, len(rows))
		for i, r := range rows {
			rm, ok := r.(map[string]any)
			if !ok {
				v.Check(false, fmt.Sprintf("%s.%d", path, i), "invalid")
				continue
			}
			row := map[string]any{}
			for _, c := range f.Columns {
				if nv, ok := validateValue(c, rm[c.Key], fmt.Sprintf("%s.%d.%s", path, i, c.Key), cal, v); ok {
					row[c.Key] = nv
				}
			}
			out = append(out, row)
		}
		return out, true
	}
	v.Check(false, path, "invalid")
	return nil, false
}

func hasOption(opts []Option, s string) bool {
	for _, o := range opts {
		if o.Value == s {
			return true
		}
	}
	return false
}

// RangeDays counts calendar days from start to end inclusive; with halves,
// starting in the afternoon or ending in the morning takes off half a day.
func RangeDays(start, end, startHalf, endHalf string, halfDay bool) (float64, error) {
	s, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return 0, err
	}
	e, err := time.Parse(time.DateOnly, end)
	if err != nil {
		return 0, err
	}
	if e.Before(s) {
		return 0, fmt.Errorf("end before start")
	}
	days := e.Sub(s).Hours()/24 + 1
	if halfDay {
		if startHalf == "pm" {
			days -= 0.5
		}
		if endHalf == "am" {
			days -= 0.5
		}
		if days <= 0 {
			return 0, fmt.Errorf("empty range")
		}
	}
	return days, nil
}

// numericValue reads a comparable number from a form value: numbers, money
// amounts (cents) and daterange days.
func numericValue(x any) (float64, bool) {
	switch t := x.(type) {
	case float64:
		return t, true
	case int64:
		return float64(t), true
	case int:
		return float64(t), true
	case map[string]any:
		if d, ok := t["days"]; ok {
			return numericValue(d)
		}
		if a, ok := t["amount"]; ok {
			return numericValue(a)
		}
	}
	return 0, false
}
