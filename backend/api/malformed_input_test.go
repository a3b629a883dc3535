package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tack/backend/approval"
	"tack/backend/org"
	"tack/backend/report"
	"tack/backend/server/servertest"
)

// TestMalformedBodiesRefused: whatever a handler decodes, a body that is not
// exactly one well-formed JSON value of real text is a translated 400 and
// changes nothing, on both databases (PostgreSQL used to answer 500 to a NUL).
func TestMalformedBodiesRefused(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		root := e.RootDepartment(admin)
		dept := func(name string) string { return `{"name":` + name + `,"parent_id":"` + root.ID + `"}` }
		leave := e.TemplateID(admin, "leave")
		var group struct{ ID string }
		e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", admin, map[string]any{"kind": "temporary", "name": "Tmp", "member_ids": []string{}}).JSON(t, &group)
		leaveWith := func(reason string) string {
			return `{"template_id":"` + leave + `","form":{"leave_type":"annual","period":{"start":"2026-01-12","end":"2026-01-12"},"reason":` + reason + `}}`
		}
		cases := []struct {
			name, path, body, key string
		}{
			{"NUL escape in a name", "/api/v1/departments", dept(`"Sales\u0000"`), "invalid_text"},
			{"NUL escape in a key", "/api/v1/departments", `{"name":"Sales","parent_id":"` + root.ID + `","x\u0000":1}`, "invalid_text"},
			{"NUL in an approval reason", "/api/v1/approvals", leaveWith(`"ill\u0000"`), "invalid_text"},
			{"NUL in a meeting title", "/api/v1/meetings", `{"title":"a\u0000b","start":"2026-01-06T10:00","end":"2026-01-06T11:00","time_zone":"Asia/Shanghai"}`, "invalid_text"},
			{"NUL in a chat message", "/api/v1/chat/conversations/" + group.ID + "/messages", `{"client_key":"k1","body":"hi\u0000"}`, "invalid_text"},
			{"NUL in a report's template", "/api/v1/reports", `{"template_id":"daily\u0000"}`, "invalid_text"},
			{"NUL in an upload's appended chunk", "/api/v1/drive/uploads/u1/append", `{"chunks":[{"hash":"a\u0000","size":1}]}`, "invalid_text"},
			{"NUL in an attendance place", "/api/v1/attendance/places", `{"name":"HQ\u0000","lat":31.2,"lng":121.4,"coords":"wgs84","radius_m":200}`, "invalid_text"},
			{"lone high surrogate", "/api/v1/departments", dept(`"Sales\ud800"`), "invalid_text"},
			{"lone low surrogate", "/api/v1/departments", dept(`"Sales\udc00x"`), "invalid_text"},
			{"high surrogate then a letter", "/api/v1/departments", dept(`"\ud800\u0041"`), "invalid_text"},
			{"invalid UTF-8 bytes", "/api/v1/departments", dept("\"Sales\xff\xfe\""), "invalid_utf8"},
			{"overlong UTF-8", "/api/v1/departments", dept("\"\xc0\xafSales\""), "invalid_utf8"},
			{"second object", "/api/v1/departments", dept(`"Sales"`) + `{"name":"Other"}`, "invalid_json"},
			{"trailing garbage", "/api/v1/departments", dept(`"Sales"`) + ` garbage`, "invalid_json"},
			{"trailing bracket", "/api/v1/departments", dept(`"Sales"`) + `]`, "invalid_json"},
			{"empty body", "/api/v1/departments", ``, "invalid_json"},
		}
		for _, c := range cases {
			r := e.Do("POST", c.path, admin, c.body)
			if code, key, _ := r.ErrorCode(); r.Status != http.StatusBadRequest || code != "invalid" || key != c.key {
				t.Errorf("%s: %d %s, want 400 %s", c.name, r.Status, r.Body, c.key)
			}
		}
		var depts struct{ Items []org.Department }
		e.Must(http.StatusOK, "GET", "/api/v1/departments", admin, nil).JSON(t, &depts)
		if len(depts.Items) != 1 {
			t.Errorf("a refused body created departments: %+v", depts.Items)
		}
		var msgs struct{ Items []json.RawMessage }
		e.Must(http.StatusOK, "GET", "/api/v1/chat/conversations/"+group.ID+"/messages", admin, nil).JSON(t, &msgs)
		if len(msgs.Items) != 0 {
			t.Errorf("a refused body posted chat messages: %s", msgs.Items)
		}
		var mine struct{ Items []approval.Instance }
		e.Must(http.StatusOK, "GET", "/api/v1/approvals?box=mine", admin, nil).JSON(t, &mine)
		if len(mine.Items) != 0 {
			t.Errorf("a refused body submitted a request: %+v", mine.Items)
		}

		// Real text still goes through: a surrogate pair, escapes, a
		// multi-line reason, trailing white space.
		var d org.Department
		e.Must(http.StatusCreated, "POST", "/api/v1/departments", admin, dept(`"Sales \ud83d\ude00 \u00e9"`)+"\n\t ").JSON(t, &d)
		if d.Name != "Sales 😀 é" {
			t.Errorf("name %q", d.Name)
		}
		e.Must(http.StatusCreated, "POST", "/api/v1/approvals", admin, leaveWith(`"line one\nline \"two\"\\u0000"`))
		reportTemplatesRefuseMalformed(t, e, admin)
		reportCommentMentionsRefuseMalformed(t, e, admin)
	})
}

// reportCommentMentionsRefuseMalformed: a comment's @mentions that are not a
// list of known people are refused, and no comment is made.
func reportCommentMentionsRefuseMalformed(t *testing.T, e *servertest.Env, admin string) {
	t.Helper()
	var ts struct{ Items []report.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/report/templates", admin, nil).JSON(t, &ts)
	var d report.Detail
	for _, tp := range ts.Items {
		if tp.BuiltinKey == "daily" {
			e.Must(http.StatusOK, "POST", "/api/v1/reports", admin, map[string]any{"template_id": tp.ID}).JSON(t, &d)
		}
	}
	e.Must(http.StatusOK, "POST", "/api/v1/reports/"+d.ID+"/submit", admin, map[string]any{"form": map[string]any{"done": "x"}, "version": d.Version})
	path := "/api/v1/reports/" + d.ID + "/comments"
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf(`"u%02d"`, i)
	}
	cases := []struct{ name, body, key, field string }{
		{"mentions not a list", `{"body":"hi","mentions":"someone"}`, "invalid_json", ""},
		{"a mention not a string", `{"body":"hi","mentions":[1]}`, "invalid_json", ""},
		{"NUL in a mention", `{"body":"hi","mentions":["u\u0000"]}`, "invalid_text", ""},
		{"an unknown person", `{"body":"hi","mentions":["nobody"]}`, "report.invalid", "mentions"},
		{"51 people", `{"body":"hi","mentions":[` + strings.Join(many, ",") + `]}`, "report.invalid", "mentions"},
	}
	for _, c := range cases {
		r := e.Do("POST", path, admin, c.body)
		_, key, fields := r.ErrorCode()
		if r.Status != http.StatusBadRequest || key != c.key || (c.field != "" && fields[c.field] == "") {
			t.Errorf("%s: %d %s, want 400 %s %s", c.name, r.Status, r.Body, c.key, c.field)
		}
		if c.name == "51 people" && fields["mentions"] != "too_long" {
			t.Errorf("51 people: %s, want mentions too_long", r.Body)
		}
	}
	var cs struct{ Items []report.Comment }
	e.Must(http.StatusOK, "GET", path, admin, nil).JSON(t, &cs)
	if len(cs.Items) != 0 {
		t.Errorf("a refused body made comments: %+v", cs.Items)
	}
}

// reportTemplatesRefuseMalformed: the work report template designer's
// routes (create and edit) refuse bodies that are not one JSON value of real
// text, and a template that does not fit the schema, each with a translated
// 400; nothing is made or changed.
func reportTemplatesRefuseMalformed(t *testing.T, e *servertest.Env, admin string) {
	t.Helper()
	valid := `{"name_zh":"销售日报","cycle":"daily","due_time":"18:00","version":1,"fields":[{"key":"done","type":"textarea","label_zh":"完成"}]}`
	var tpl report.Template
	e.Must(http.StatusCreated, "POST", "/api/v1/report/templates", admin, valid).JSON(t, &tpl)
	edit := "/api/v1/report/templates/" + tpl.ID
	cases := []struct{ name, method, path, body, key, field string }{
		{"NUL in a template name", "POST", "/api/v1/report/templates", strings.Replace(valid, "销售日报", `销售\u0000`, 1), "invalid_text", ""},
		{"invalid UTF-8 in a label", "PUT", edit, strings.Replace(valid, "完成", "\xff", 1), "invalid_utf8", ""},
		{"trailing garbage", "PUT", edit, valid + " x", "invalid_json", ""},
		{"empty body", "POST", "/api/v1/report/templates", ``, "invalid_json", ""},
		{"fields not a list", "POST", "/api/v1/report/templates", `{"name_zh":"x","fields":"done"}`, "invalid_json", ""},
		{"a newline in the name", "PUT", edit, strings.Replace(valid, "销售日报", `销售\n日报`, 1), "report.invalid", "name_zh"},
		{"no fields", "POST", "/api/v1/report/templates", `{"name_zh":"x","cycle":"none","fields":[]}`, "report.invalid", "fields"},
		{"a due time that is no time", "POST", "/api/v1/report/templates", strings.Replace(valid, "18:00", "6pm", 1), "report.invalid", "due_time"},
		{"an unknown cycle", "PUT", edit, strings.Replace(valid, `"daily"`, `"hourly"`, 1), "report.invalid", "cycle"},
		{"an unknown department", "POST", "/api/v1/report/templates", strings.Replace(valid, `"version":1`, `"departments":["nope"]`, 1), "report.invalid", "departments"},
		{"an unknown recipient", "PUT", edit, strings.Replace(valid, `"version":1`, `"version":1,"recipients":["nope"]`, 1), "report.invalid", "recipients"},
	}
	for _, c := range cases {
		r := e.Do(c.method, c.path, admin, c.body)
		_, key, fields := r.ErrorCode()
		if r.Status != http.StatusBadRequest || key != c.key || (c.field != "" && fields[c.field] == "") {
			t.Errorf("%s: %d %s, want 400 %s %s", c.name, r.Status, r.Body, c.key, c.field)
		}
	}
	var after struct{ Items []report.Template }
	e.Must(http.StatusOK, "GET", "/api/v1/report/templates/manage", admin, nil).JSON(t, &after)
	for _, x := range after.Items {
		if x.BuiltinKey == "" && (x.ID != tpl.ID || x.Version != 1 || x.NameZh != "销售日报") {
			t.Errorf("a refused body made or changed a template: %+v", x)
		}
	}
}

// TestNamesRefuseControlCharacters: names and titles are shown on one line;
// a control character or a bidirectional override in one is a field error.
func TestNamesRefuseControlCharacters(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		user, _ := e.NewUser(admin, "")
		root := e.RootDepartment(admin)
		var group struct{ ID string }
		e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", admin, map[string]any{"kind": "temporary", "name": "Team", "member_ids": []string{}}).JSON(t, &group)
		cases := []struct {
			name, method, path string
			body               map[string]any
			field              string
		}{
			{"department name with a newline", "POST", "/api/v1/departments", map[string]any{"name": "Sales\nForged", "parent_id": root.ID}, "name"},
			{"department name with BEL", "POST", "/api/v1/departments", map[string]any{"name": "Sales\a", "parent_id": root.ID}, "name"},
			{"user name with ESC", "PATCH", "/api/v1/users/" + user.ID, map[string]any{"name": "Li\x1b[31m", "version": user.Version}, "name"},
			{"user title with a C1 control", "PATCH", "/api/v1/users/" + user.ID, map[string]any{"title": "Sta\u0085ff", "version": user.Version}, "title"},
			{"role name with a right-to-left override", "POST", "/api/v1/roles", map[string]any{"id": "aud", "name": "Audi\u202Etor"}, "name"},
			{"room name with a tab", "POST", "/api/v1/rooms", map[string]any{"name": "Pine\tRoom", "capacity": 4}, "name"},
			{"meeting title with a carriage return", "POST", "/api/v1/meetings", map[string]any{"title": "Sync\rForged", "start": "2026-01-06T10:00",
				"end": "2026-01-06T11:00", "time_zone": "Asia/Shanghai"}, "title"},
			{"chat group name with a newline", "POST", "/api/v1/chat/conversations", map[string]any{"kind": "temporary", "name": "Team\nForged", "member_ids": []string{}}, "name"},
			{"chat group renamed with a right-to-left override", "PATCH", "/api/v1/chat/conversations/" + group.ID, map[string]any{"name": "Team\u202Ed", "version": 1}, "name"},
			{"chat export search with a newline", "GET", "/api/v1/chat/admin/conversations?q=Team%0AForged", nil, "q"},
			{"attendance place name with a tab", "POST", "/api/v1/attendance/places", map[string]any{"name": "HQ\tGate", "lat": 31.2, "lng": 121.4, "coords": "wgs84", "radius_m": 200}, "name"},
			{"attendance network name with ESC", "POST", "/api/v1/attendance/networks", map[string]any{"name": "Office\x1b[2J", "cidr": "10.0.0.0/8"}, "name"},
			{"attendance shift name with a C1 control", "POST", "/api/v1/attendance/shifts", map[string]any{"name": "Da\u0085y", "start_min": 510, "end_min": 1050}, "name"},
			{"attendance group name with a right-to-left override", "POST", "/api/v1/attendance/groups", map[string]any{"name": "Sales\u202E", "schedule": "fixed",
				"week_shifts": []string{"", "", "", "", "", "", ""}}, "name"},
			{"announcement title with DEL", "POST", "/api/v1/announcements", map[string]any{"title": "News\x7f", "body": "text", "everyone": true}, "title"},
		}
		for _, c := range cases {
			r := e.Do(c.method, c.path, admin, c.body)
			code, _, fields := r.ErrorCode()
			if r.Status != http.StatusBadRequest || code != "invalid" || fields[c.field] != "control_character" {
				t.Errorf("%s: %d %s, want 400 with %s=control_character", c.name, r.Status, r.Body, c.field)
			}
		}
		var got org.User
		e.Must(http.StatusOK, "GET", "/api/v1/users/"+user.ID, admin, nil).JSON(t, &got)
		if got.Name != user.Name || got.Title != user.Title {
			t.Errorf("a refused edit changed the user: %+v", got)
		}
	})
}
