package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tack/backend/chat"
	"tack/backend/server/servertest"
)

// TestChatFilesAnnouncementSettingsRefuseMalformedInput: the routes of chat
// files, the group announcement, retention settings and export answer bad
// input with a translated 400 and change nothing.
func TestChatFilesAnnouncementSettingsRefuseMalformedInput(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		root := e.RootDepartment(admin)
		u, ut := e.NewUser(admin, root.ID)
		var g chat.ConversationView
		e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", admin, map[string]any{"kind": "temporary", "name": "g", "member_ids": []string{u.ID}}).JSON(t, &g)
		conv := "/api/v1/chat/conversations/" + g.ID
		cases := []struct {
			name, method, path, token string
			body                      any
		}{
			{"announcement with a NUL", "PUT", conv + "/announcement", admin, `{"body":"a\u0000b","version":1}`},
			{"announcement not JSON", "PUT", conv + "/announcement", admin, `{"body":`},
			{"announcement body a number", "PUT", conv + "/announcement", admin, `{"body":5,"version":1}`},
			{"announcement with two objects", "PUT", conv + "/announcement", admin, `{"body":"x","version":1}{}`},
			{"retention a string", "PUT", "/api/v1/chat/settings", admin, `{"retention_days":"forever","version":0}`},
			{"retention negative", "PUT", "/api/v1/chat/settings", admin, map[string]any{"retention_days": -3, "version": 0}},
			{"retention past ten years", "PUT", "/api/v1/chat/settings", admin, map[string]any{"retention_days": 99999, "version": 0}},
			{"retention not JSON", "PUT", "/api/v1/chat/settings", admin, `[]`},
			{"file without a name", "POST", conv + "/files", ut, "bytes"},
			{"file name with a slash", "POST", conv + "/files?name=" + url.QueryEscape("../etc/passwd"), ut, "bytes"},
			{"file name with a control character", "POST", conv + "/files?name=" + url.QueryEscape("a\x01b.txt"), ut, "bytes"},
			{"file with a long client key", "POST", conv + "/files?name=a.txt&client_key=" + url.QueryEscape(strings.Repeat("k", 101)), ut, "bytes"},
			{"export format unknown", "GET", conv + "/export?format=pdf", admin, nil},
		}
		for _, c := range cases {
			r := e.Do(c.method, c.path, c.token, c.body)
			if code, key, _ := r.ErrorCode(); r.Status != http.StatusBadRequest || code != "invalid" || key == "" {
				t.Errorf("%s: %d %s, want a translated 400", c.name, r.Status, r.Body)
			}
		}
		var after chat.ConversationView
		e.Must(http.StatusOK, "GET", conv, admin, nil).JSON(t, &after)
		if after.Announcement != "" || after.LastSeq != 0 || after.Version != g.Version {
			t.Errorf("refused input changed the group: %+v", after)
		}
		var set chat.Settings
		e.Must(http.StatusOK, "GET", "/api/v1/chat/settings", admin, nil).JSON(t, &set)
		if set.RetentionDays != 0 || set.Version != 0 {
			t.Errorf("refused input changed the settings: %+v", set)
		}
	})
}
