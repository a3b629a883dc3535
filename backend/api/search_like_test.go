package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"tack/backend/server/servertest"
)

// The directory search matches % and _ literally on both databases, like
// the approvals search (issue 12, item 20).
func TestDirectorySearchMatchesWildcardsLiterally(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		admin, _ := e.Setup()
		root := e.RootDepartment(admin)
		for i, name := range []string{"运营_一组", "运营A一组", "折扣100%", "折扣1000"} {
			e.Must(http.StatusCreated, "POST", "/api/v1/users", admin, map[string]any{
				"email": "like" + string(rune('a'+i)) + "@test.tack", "name": name, "department_id": root.ID,
				"title": "Staff", "phone": "1370000000" + string(rune('0'+i)), "roles": []string{}, "password": servertest.TestPassword})
		}
		for q, want := range map[string]int{"运营_": 1, "运营": 2, "100%": 1, "折扣100": 2} {
			var page struct{ Items []struct{ Name string } }
			e.Must(http.StatusOK, "GET", "/api/v1/users?q="+url.QueryEscape(q), admin, nil).JSON(t, &page)
			if len(page.Items) != want {
				t.Errorf("q=%q found %v, want %d", q, page.Items, want)
			}
		}
	})
}
