package approval

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Display languages of server-made text (titles, exports). The UI is zh-CN
// by default; anything that is not English gets Chinese.
const (
	LangZh = "zh"
	LangEn = "en"
)

// NormLang maps a locale ("zh-CN", "en-US", "") to LangZh or LangEn.
func NormLang(l string) string {
	if strings.HasPrefix(strings.ToLower(l), "en") {
		return LangEn
	}
	return LangZh
}

// Names resolves the IDs a form refers to (person and department fields,
// attachments) to what people read.
type Names struct {
	Users       map[string]string
	Departments map[string]string
}

// pick returns the text of lang, falling back to the other language.
func pick(lang, zh, en string) string {
	if lang == LangEn && en != "" {
		return en
	}
	if zh == "" {
		return en
	}
	return zh
}

// optionLabel is the label of a select value; an unknown value (an option
// removed in a later version) shows as itself.
func optionLabel(f Field, v, lang string) string {
	for _, o := range f.Options {
		if o.Value == v {
			if l := pick(lang, o.LabelZh, o.LabelEn); l != "" {
				return l
			}
		}
	}
	return v
}

// FormatMoney formats cents with thousands separators: ¥1,280.00 for CNY,
// "USD 12.50" otherwise.
func FormatMoney(cents int64, currency string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s.%02d", b.String(), cents%100)
	if neg {
		s = "-" + s
	}
	if currency == "" || currency == "CNY" {
		return "¥" + s
	}
	return currency + " " + s
}

// FormatDays is a day count: "5天" / "5 days", "1 day", "0.5天".
func FormatDays(d float64, lang string) string {
	n := strconv.FormatFloat(d, 'f', -1, 64)
	if lang == LangEn {
		if d == 1 {
			return "1 day"
		}
		return n + " days"
	}
	return n + "天"
}

func halfText(h, lang string) string {
	switch h {
	case "am":
		return pick(lang, "上午", "AM")
	case "pm":
		return pick(lang, "下午", "PM")
	}
	return ""
}

// attachmentNames reads an attachment value as people see it: the file
// names, or the entry ID where an instance from before archiving has no name.
func attachmentNames(v any) []string {
	var out []string
	for _, r := range attachmentRefs(v) {
		if r.Name != "" {
			out = append(out, r.Name)
		} else {
			out = append(out, r.ID)
		}
	}
	return out
}

// DisplayValue is a form value as people read it in lang: option labels,
// not option values; names, not IDs; money and days formatted. Empty values
// give "".
func DisplayValue(f Field, v any, lang string, n Names) string {
	if isEmpty(v) {
		return ""
	}
	sep := pick(lang, "、", ", ")
	switch f.Type {
	case FieldSelect:
		s, _ := v.(string)
		return optionLabel(f, s, lang)
	case FieldMultiSelect:
		arr, _ := v.([]any)
		parts := make([]string, 0, len(arr))
		for _, x := range arr {
			s, _ := x.(string)
			parts = append(parts, optionLabel(f, s, lang))
		}
		return strings.Join(parts, sep)
	case FieldNumber:
		if x, ok := numericValue(v); ok {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	case FieldMoney:
		m, _ := v.(map[string]any)
		if amt, ok := numericValue(m["amount"]); ok {
			cur, _ := m["currency"].(string)
			return FormatMoney(int64(math.Round(amt)), cur)
		}
	case FieldDateRange:
		m, _ := v.(map[string]any)
		s, _ := m["start"].(string)
		e, _ := m["end"].(string)
		sh, _ := m["start_half"].(string)
		eh, _ := m["end_half"].(string)
		out := strings.TrimSpace(s + " " + halfText(sh, lang))
		out += " – " + strings.TrimSpace(e+" "+halfText(eh, lang))
		if d, ok := numericValue(m["days"]); ok {
			if lang == LangEn {
				out += " (" + FormatDays(d, lang) + ")"
			} else {
				out += "（" + FormatDays(d, lang) + "）"
			}
		}
		return out
	case FieldPerson:
		s, _ := v.(string)
		if name := n.Users[s]; name != "" {
			return name
		}
		return s
	case FieldDepartment:
		s, _ := v.(string)
		if name := n.Departments[s]; name != "" {
			return name
		}
		return s
	case FieldAttachment:
		return strings.Join(attachmentNames(v), sep)
	case FieldTable:
		rows, _ := v.([]any)
		lines := make([]string, 0, len(rows))
		for i, r := range rows {
			rm, _ := r.(map[string]any)
			var cells []string
			for _, c := range f.Columns {
				if s := DisplayValue(c, rm[c.Key], lang, n); s != "" {
					cells = append(cells, pick(lang, c.LabelZh, c.LabelEn)+pick(lang, "：", ": ")+s)
				}
			}
			lines = append(lines, fmt.Sprintf("%d. %s", i+1, strings.Join(cells, pick(lang, "，", ", "))))
		}
		return strings.Join(lines, "\n")
	default:
		if s, ok := v.(string); ok {
			return s
		}
	}
	return fmt.Sprint(v)
}

// titleValue is the short form of a title field's value.
func titleValue(f Field, v any, lang string, n Names) string {
	if f.Type == FieldDateRange {
		m, _ := v.(map[string]any)
		if d, ok := numericValue(m["days"]); ok {
			return FormatDays(d, lang)
		}
		return ""
	}
	if f.Type == FieldTable || f.Type == FieldAttachment || f.Type == FieldTextarea {
		return "" // too long for a title
	}
	s := DisplayValue(f, v, lang, n)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}

// Titles builds an instance's title in Chinese and English from the
// applicant's name, the template's name and the fields marked Title:
// "李娜的请假 · 年假 · 5天" and "李娜's Leave · Annual leave · 5 days".
func Titles(t Template, applicant string, fields []Field, form map[string]any, n Names) (zh, en string) {
	build := func(lang string) string {
		var parts []string
		if lang == LangEn {
			parts = []string{applicant + "'s " + pick(lang, t.NameZh, t.NameEn)}
		} else {
			parts = []string{applicant + "的" + t.NameZh}
		}
		for _, f := range fields {
			if !f.Title {
				continue
			}
			if s := titleValue(f, form[f.Key], lang, n); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " · ")
	}
	return build(LangZh), build(LangEn)
}

// referencedIDs collects the user and department IDs a form refers to.
func referencedIDs(fields []Field, form map[string]any, users, depts *[]string) {
	for _, f := range fields {
		switch f.Type {
		case FieldPerson:
			if s, ok := form[f.Key].(string); ok && s != "" {
				*users = append(*users, s)
			}
		case FieldDepartment:
			if s, ok := form[f.Key].(string); ok && s != "" {
				*depts = append(*depts, s)
			}
		case FieldTable:
			rows, _ := form[f.Key].([]any)
			for _, r := range rows {
				if rm, ok := r.(map[string]any); ok {
					referencedIDs(f.Columns, rm, users, depts)
				}
			}
		}
	}
}

// namesFor looks up the people and departments the forms refer to.
func (s *Service) namesFor(ctx context.Context, fields []Field, forms ...map[string]any) (Names, error) {
	var uids, dids []string
	for _, form := range forms {
		referencedIDs(fields, form, &uids, &dids)
	}
	n := Names{Users: map[string]string{}, Departments: map[string]string{}}
	if len(uids) > 0 {
		us, err := s.org.UsersByID(ctx, uniq(uids))
		if err != nil {
			return n, err
		}
		for id, u := range us {
			n.Users[id] = u.Name
		}
	}
	if len(dids) > 0 {
		all, err := s.org.Departments(ctx)
		if err != nil {
			return n, err
		}
		for _, d := range all {
			if slices.Contains(dids, d.ID) {
				n.Departments[d.ID] = d.Name
			}
		}
	}
	return n, nil
}
