package cli

import (
	"net/http"
	"strings"
	"testing"

	"tack/backend/server/servertest"
)

// TestAdminVerifyAttendanceChain: `tack admin verify` checks the
// attendance records' hash chain and names a row edited behind Tack's back.
func TestAdminVerifyAttendanceChain(t *testing.T) {
	e := servertest.New(t)
	tok, _ := e.Setup()
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/networks", tok, map[string]any{"name": "LAN", "cidr": "127.0.0.0/8"})
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", tok, map[string]any{})
	e.Must(http.StatusCreated, "POST", "/api/v1/attendance/punches", tok, map[string]any{})
	data := e.Server.Config.DataDir
	code, out, _ := run("admin", "verify", "--data-dir", data, "--quiet")
	if code != 0 || !strings.Contains(out, "attendance records: OK: 2 chained rows, 1 daily checkpoints") {
		t.Fatalf("verify: %d %s", code, out)
	}
	if err := e.Server.DB.Exec("UPDATE attendance_punches SET method = 'gps' WHERE seq = 2").Error; err != nil {
		t.Fatal(err)
	}
	code, out, _ = run("admin", "verify", "--data-dir", data, "--quiet")
	if code != 1 || !strings.Contains(out, "PROBLEM: punch chain: row 2") || !strings.Contains(out, "attendance records: FAILED") {
		t.Fatalf("verify after an edit: %d %s", code, out)
	}
}
