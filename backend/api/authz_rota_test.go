package api_test

// rotaSweepCases: a department's rota (排班) is its heads' and the
// attendance admins'; bob, in department B, may neither read nor change
// department A's, whatever he asks for (backend/attendance/rota_test.go
// covers the employee, HR, custom-role, head and attendance-admin cases).
func rotaSweepCases() []sweepCase {
	cell := map[string]any{"cells": []map[string]any{{"user_id": "a-person-of-A", "date": "2026-01-20", "shift_id": ""}}}
	return []sweepCase{
		{route: "GET /api/v1/attendance/rota/{dept}/{month}", path: p("/api/v1/attendance/rota/%/2026-01", deptAID), want: hidden},
		{route: "PUT /api/v1/attendance/rota/{dept}", path: p("/api/v1/attendance/rota/%", deptAID), body: cell, want: hidden},
		{route: "POST /api/v1/attendance/rota/{dept}/cycle", path: p("/api/v1/attendance/rota/%/cycle", deptAID),
			body: map[string]any{"user_ids": []string{"a-person-of-A"}, "from": "2026-01-01", "to": "2026-01-31", "pattern": []string{""}}, want: hidden},
		{route: "POST /api/v1/attendance/rota/{dept}/copy", path: p("/api/v1/attendance/rota/%/copy", deptAID),
			body: map[string]any{"kind": "week", "to": "2026-01-12"}, want: hidden},
		{route: "GET /api/v1/attendance/rota/{dept}/{month}/template", path: p("/api/v1/attendance/rota/%/2026-01/template", deptAID), want: hidden},
		{route: "POST /api/v1/attendance/rota/{dept}/{month}/import", path: p("/api/v1/attendance/rota/%/2026-01/import", deptAID),
			body: "not a spreadsheet", want: hidden},
	}
}
