package report_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/server/servertest"
)

// TestMissingXLSX: the leader downloads who has not written as a workbook
// (missing first, then late with the time); in English on request; someone
// who leads nobody gets the header alone.
func TestMissingXLSX(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setup(t, e)
		e.Clock.Set(time.Date(2026, 1, 5, 13, 0, 0, 0, time.UTC)) // 21:00 in Shanghai, after the 20:00 due time
		write(t, e, c.amyT, c.daily.ID, "late")
		rows := func(token, lang string) [][]string {
			t.Helper()
			r := e.Must(200, "GET", "/api/v1/report/missing/export?template_id="+c.daily.ID+"&period=2026-01-05&lang="+lang, token, nil)
			if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Fatalf("content type %q", ct)
			}
			x, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			out, err := x.GetRows(x.GetSheetList()[0])
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		got := rows(c.leadT, "zh-CN")
		if len(got) != 3 || got[0][0] != "姓名" || got[1][0] != c.ben.Name || got[1][2] != "未提交" ||
			got[2][0] != c.amy.Name || got[2][2] != "迟交" || got[2][3] != "2026-01-05 21:00:00" || got[1][5] != "2026-01-05" {
			t.Fatalf("zh rows %q", got)
		}
		if got := rows(c.leadT, "en"); got[0][0] != "Name" || got[1][2] != "Missing" || got[2][2] != "Late" {
			t.Fatalf("en rows %q", got)
		}
		if got := rows(c.danT, ""); len(got) != 1 {
			t.Fatalf("dan's rows %q", got)
		}
		e.Must(404, "GET", "/api/v1/report/missing/export?template_id=nope", c.leadT, nil)
	})
}
