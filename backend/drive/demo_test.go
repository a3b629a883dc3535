package drive_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestDemoDrive: the demo company's employees find the policy documents in
// the company space, readable, and loading the demo again adds nothing.
func TestDemoDrive(t *testing.T) {
	e := servertest.New(t)
	if err := server.LoadDemo(t.Context(), e.Server, io.Discard); err != nil {
		t.Fatal(err)
	}
	tok := e.Login("xuting@demo.tack", "demo12345") // a member, not an admin
	search := func() []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} {
		var page struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
		}
		e.Must(http.StatusOK, "GET", "/api/v1/drive/search?q=制度", tok, nil).JSON(t, &page)
		return page.Items
	}
	found := search()
	var leave string
	for _, f := range found {
		if f.Name == "考勤与请假制度.md" {
			leave = f.ID
		}
	}
	if len(found) < 3 || leave == "" {
		t.Fatalf("search 制度 as an employee: %+v", found)
	}
	body := e.Must(http.StatusOK, "GET", "/api/v1/drive/files/"+leave+"/content", tok, nil).Body
	if !strings.Contains(string(body), "总经理审批") {
		t.Fatalf("content: %q", body)
	}
	if err := server.LoadDemo(t.Context(), e.Server, io.Discard); err != nil {
		t.Fatal(err)
	}
	if again := search(); len(again) != len(found) {
		t.Fatalf("demo twice: %d documents, then %d", len(found), len(again))
	}
}
