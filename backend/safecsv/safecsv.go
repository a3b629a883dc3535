// Package safecsv writes CSV files that spreadsheets open as data: a cell
// that Excel, LibreOffice or Google Sheets would read as a formula (it
// starts with = + - @, a tab or a carriage return) is written as text, with
// a leading apostrophe, so an exported value like =HYPERLINK(...) typed
// into a form by one employee cannot run in the spreadsheet of the HR clerk
// who opens the export (CSV formula injection). Every CSV the product
// writes goes through it.
package safecsv

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Writer is an encoding/csv Writer that neutralises formula cells.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each field made safe by Cell.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, f := range record {
		w.buf = append(w.buf, Cell(f))
	}
	return w.w.Write(w.buf)
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports an error of an earlier Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

// Cell returns s as a cell a spreadsheet reads as text: s itself, or s
// after an apostrophe when it starts like a formula. A plain number ("-5",
// "+1.5") stays as it is: a spreadsheet reads it as that number, nothing runs.
func Cell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '\t' && s[0] != '\r' {
		return s
	}
	return "'" + s
}
