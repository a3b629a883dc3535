package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"tack/backend/server/servertest"
)

// The trash list says how many days trashed items are kept, for the UI.
func TestDriveTrashRetentionDays(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	admin, _ := e.Setup()
	var spaces struct {
		Items []struct{ ID, Kind string }
	}
	e.Must(200, "GET", "/api/v1/drive/spaces", admin, nil).JSON(t, &spaces)
	if len(spaces.Items) == 0 {
		t.Fatal("no spaces")
	}
	var trash struct {
		Items         []any  `json:"items"`
		NextCursor    string `json:"next_cursor"`
		RetentionDays int    `json:"retention_days"`
	}
	e.Must(200, "GET", "/api/v1/drive/trash?space_id="+spaces.Items[0].ID, admin, nil).JSON(t, &trash)
	if trash.RetentionDays != 30 || trash.Items == nil {
		t.Fatalf("trash page %+v, want retention_days 30 and an items list", trash)
	}
}

// Downloads keep the content sandboxed but allowed to download: Chromium
// cancels a download whose response has a CSP sandbox without
// allow-downloads, so the drive's download links would never save a file.
func TestDriveContentAllowsDownloads(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	admin, _ := e.Setup()
	var spaces struct {
		Items []struct {
			Kind   string `json:"kind"`
			RootID string `json:"root_id"`
		}
	}
	e.Must(200, "GET", "/api/v1/drive/spaces", admin, nil).JSON(t, &spaces)
	root := ""
	for _, s := range spaces.Items {
		if s.Kind == "personal" {
			root = s.RootID
		}
	}
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/drive/files?parent_id="+root+"&name=a.txt", strings.NewReader("hello"))
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil || resp.StatusCode != 201 {
		t.Fatalf("upload: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	r := e.Do("GET", "/api/v1/drive/files/"+f.ID+"/content", admin, nil)
	csp := r.Header.Get("Content-Security-Policy")
	if r.Status != 200 || string(r.Body) != "hello" {
		t.Fatalf("content: %d %q", r.Status, r.Body)
	}
	if !strings.HasPrefix(csp, "sandbox ") || !strings.Contains(csp, "allow-downloads") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("Content-Security-Policy %q: want a sandbox that allows downloads and loads nothing", csp)
	}
}
