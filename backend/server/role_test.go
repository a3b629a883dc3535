package server_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"tack/backend/server"
	"tack/backend/server/servertest"
	"tack/backend/store/storetest"
)

// Two replicas on one PostgreSQL database, as deploy/ runs them: a web
// replica serves the API, a jobs replica answers only the health checks
// and does the background work (here the drive's trash purge) the web
// replica no longer does.
func TestRoleReplicas(t *testing.T) {
	dsn := storetest.PostgresMigratedDSN(t, server.Migrations())
	web := servertest.Start(t, server.Config{DataDir: t.TempDir(), DSN: dsn, Role: server.RoleWeb})
	jobs := servertest.Start(t, server.Config{DataDir: t.TempDir(), DSN: dsn, Role: server.RoleJobs})
	admin, _ := web.Setup()

	for _, path := range []string{"/api/v1/healthz", "/api/v1/readyz"} {
		jobs.Must(http.StatusOK, "GET", path, "", nil)
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/drive/spaces", "/"} {
		if code, key, _ := jobs.Do("GET", path, admin, nil).ErrorCode(); key != "route_not_found" {
			t.Errorf("jobs replica GET %s: %s %s, want route_not_found", path, code, key)
		}
	}

	var spaces struct {
		Items []struct {
			ID, Kind string
			RootID   string `json:"root_id"`
		}
	}
	web.Must(http.StatusOK, "GET", "/api/v1/drive/spaces", admin, nil).JSON(t, &spaces)
	var root, space string
	for _, s := range spaces.Items {
		if s.Kind == "personal" {
			root, space = s.RootID, s.ID
		}
	}
	var folder struct {
		ID      string
		Version int
	}
	web.Must(http.StatusCreated, "POST", "/api/v1/drive/folders", admin, map[string]any{"parent_id": root, "name": "old"}).JSON(t, &folder)
	web.Must(http.StatusNoContent, "DELETE", "/api/v1/drive/entries/"+folder.ID+"?version="+strconv.Itoa(folder.Version), admin, nil)
	trash := func() int {
		var page struct{ Items []any }
		web.Must(http.StatusOK, "GET", "/api/v1/drive/trash?space_id="+space, admin, nil).JSON(t, &page)
		return len(page.Items)
	}
	if n := trash(); n != 1 {
		t.Fatalf("trash holds %d, want 1", n)
	}
	web.Clock.Advance(40 * 24 * time.Hour) // past the 30-day retention
	jobs.Clock.Advance(40 * 24 * time.Hour)
	admin = web.Login(servertest.AdminEmail, servertest.TestPassword) // the old sign-in expired

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{}, 2)
	go func() { web.Server.RunJobs(ctx); done <- struct{}{} }()
	go func() { jobs.Server.RunJobs(ctx); done <- struct{}{} }()
	deadline := time.Now().Add(30 * time.Second)
	for trash() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the jobs replica did not purge the expired trash")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The web replica still serves while its peer does the jobs.
	web.Must(http.StatusOK, "GET", "/api/v1/me", admin, nil)
	cancel()
	<-done
	<-done
}
