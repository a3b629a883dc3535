package drive_test

import (
	"net/http"
	"testing"

	"tack/backend/drive"
	"tack/backend/notify"
	"tack/backend/server/servertest"
)

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		sales := e.NewDepartment(e.admin, "Sales", "", nil)
		east := e.NewDepartment(e.admin, "Sales East", sales.ID, nil)
		rnd := e.NewDepartment(e.admin, "R&D", "", nil)
		s1, ts1 := e.NewUser(e.admin, sales.ID)
		_, ts2 := e.NewUser(e.admin, sales.ID)
		// s1 heads Sales: the head manages the department's space.
		e.Must(200, "PATCH", "/api/v1/departments/"+sales.ID, e.admin, map[string]any{"head_id": s1.ID, "version": sales.Version})
		_, tse := e.NewUser(e.admin, east.ID) // sub-department member
		r1, tr1 := e.NewUser(e.admin, rnd.ID)
		r2, tr2 := e.NewUser(e.admin, rnd.ID)
		hr, thr := e.NewUser(e.admin, rnd.ID, "hr")

		// Department spaces exist and are visible to members only
		// (a sub-department's members included).
		salesSp := e.spaces(ts2)["department:Sales"]
		if salesSp.ID == "" || salesSp.Role != drive.RoleEditor || e.spaces(ts1)["department:Sales"].Role != drive.RoleManager {
			t.Fatalf("sales member's spaces: %+v", e.spaces(ts2))
		}
		if sp := e.spaces(tse)["department:Sales"]; sp.ID != salesSp.ID {
			t.Fatal("a sub-department member does not see the department space")
		}
		if sp := e.spaces(ts1)["department:Sales East"]; sp.Role != drive.RoleManager {
			t.Fatalf("the Sales head's role on the Sales East space: %+v", sp)
		}
		if sp := e.spaces(tse)["department:Sales East"]; sp.Role != drive.RoleEditor {
			t.Fatalf("a Sales East member's role on their space: %+v", sp)
		}
		if _, ok := e.spaces(tr1)["department:Sales"]; ok {
			t.Fatal("R&D sees the Sales space")
		}
		wantKey(t, e.Do("GET", "/api/v1/drive/entries/"+salesSp.RootID, tr1, nil), 404, "drive.not_found")
		wantKey(t, e.Do("GET", "/api/v1/drive/spaces/"+salesSp.ID+"/changes?cursor=", tr1, nil), 404, "drive.space_not_found")
		plans := e.mkdir(ts1, salesSp.RootID, "Plans")
		doc := e.mustPut(ts1, plans.ID, "q1.txt", []byte("quarter one"))
		wantKey(t, e.get(tr1, doc.ID, 0), 404, "drive.not_found")

		// The company space: everyone reads, only admins write.
		co := e.spaces(tr1)["company"]
		if co.Role != drive.RoleViewer || e.spaces(e.admin)["company"].Role != drive.RoleManager {
			t.Fatalf("company roles: member %q", co.Role)
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/folders", tr1, map[string]string{"parent_id": co.RootID, "name": "x"}), 403, "drive.forbidden")
		pub := e.mkdir(e.admin, co.RootID, "Handbook")
		if r := e.Do("GET", "/api/v1/drive/entries/"+pub.ID+"/children", tr1, nil); r.Status != 200 {
			t.Fatalf("member cannot list the company space: %s", r.Body)
		}

		// A plain member edits but does not share; the head does.
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", ts2,
			map[string]string{"principal_type": "user", "principal_id": r1.ID, "role": "viewer"}), 403, "drive.forbidden")
		// viewer: reads (inherited down the tree), cannot write or share.
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", ts1,
			map[string]string{"principal_type": "user", "principal_id": r1.ID, "role": "viewer"})
		if r := e.get(tr1, doc.ID, 0); r.Status != 200 || string(r.Body) != "quarter one" {
			t.Fatalf("viewer cannot read an inherited file: %d", r.Status)
		}
		wantKey(t, e.Do("POST", "/api/v1/drive/folders", tr1, map[string]string{"parent_id": plans.ID, "name": "mine"}), 403, "drive.forbidden")
		_, r := e.put(tr1, plans.ID, "new.txt", []byte("x"))
		wantKey(t, r, 403, "drive.forbidden")
		wantKey(t, e.Do("PATCH", "/api/v1/drive/entries/"+doc.ID, tr1, map[string]any{"version": doc.Version, "name": "y.txt"}), 403, "drive.forbidden")
		wantKey(t, e.Do("DELETE", "/api/v1/drive/entries/"+doc.ID+"?version=1", tr1, nil), 403, "drive.forbidden")
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", tr1,
			map[string]string{"principal_type": "user", "principal_id": r2.ID, "role": "viewer"}), 403, "drive.forbidden")
		if _, ok := e.spaces(tr1)["department:Sales"]; ok {
			t.Fatal("a grant on a folder opened the whole space")
		}
		// The grant notified r1 (drive.shared), not the granter.
		dispatch(t, e)
		var notes struct{ Items []notify.Notification }
		e.Must(200, "GET", "/api/v1/notifications", tr1, nil).JSON(t, &notes)
		if len(notes.Items) != 1 || notes.Items[0].Type != "drive.shared" || notes.Items[0].Title != "Plans" {
			t.Fatalf("r1 notifications %+v", notes.Items)
		}
		e.Must(200, "GET", "/api/v1/notifications", ts1, nil).JSON(t, &notes)
		if len(notes.Items) != 0 {
			t.Fatalf("the granter was notified: %+v", notes.Items)
		}
		var shared struct{ Items []drive.Entry }
		e.Must(200, "GET", "/api/v1/drive/shared", tr1, nil).JSON(t, &shared)
		if len(shared.Items) != 1 || shared.Items[0].ID != plans.ID || shared.Items[0].Role != "viewer" {
			t.Fatalf("shared with r1: %+v", shared.Items)
		}

		// editor: writes; manager: shares.
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", ts1,
			map[string]string{"principal_type": "user", "principal_id": r1.ID, "role": "editor"})
		e.mustPut(tr1, plans.ID, "from-rnd.txt", []byte("hello"))
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", tr1,
			map[string]string{"principal_type": "user", "principal_id": r2.ID, "role": "viewer"}), 403, "drive.forbidden")
		var grant drive.Permission
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", ts1,
			map[string]string{"principal_type": "user", "principal_id": r1.ID, "role": "manager"}).JSON(t, &grant)
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+plans.ID+"/permissions", tr1,
			map[string]string{"principal_type": "user", "principal_id": r2.ID, "role": "viewer"})
		if r := e.get(tr2, doc.ID, 0); r.Status != 200 {
			t.Fatalf("r2 after manager r1 shared: %d", r.Status)
		}
		var perms struct{ Items []drive.Permission }
		e.Must(200, "GET", "/api/v1/drive/entries/"+doc.ID+"/permissions", tr2, nil).JSON(t, &perms)
		inherited := 0
		for _, p := range perms.Items {
			if p.Inherited {
				inherited++
			}
		}
		if inherited != len(perms.Items) || len(perms.Items) < 3 {
			t.Fatalf("permissions of the file %+v", perms.Items)
		}
		// revoking takes access away again
		e.Must(204, "DELETE", "/api/v1/drive/entries/"+plans.ID+"/permissions/"+grant.ID, ts1, nil)
		wantKey(t, e.Do("POST", "/api/v1/drive/folders", tr1, map[string]string{"parent_id": plans.ID, "name": "again"}), 404, "drive.not_found")

		// roles and everyone
		secret := e.mkdir(ts1, salesSp.RootID, "HR only")
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+secret.ID+"/permissions", ts1,
			map[string]string{"principal_type": "role", "principal_id": "hr", "role": "viewer"})
		e.Must(200, "GET", "/api/v1/drive/entries/"+secret.ID, thr, nil)
		wantKey(t, e.Do("GET", "/api/v1/drive/entries/"+secret.ID, tr2, nil), 404, "drive.not_found")
		_ = hr
		open := e.mkdir(ts1, salesSp.RootID, "Open")
		e.Must(http.StatusCreated, "POST", "/api/v1/drive/entries/"+open.ID+"/permissions", ts1,
			map[string]string{"principal_type": "everyone", "role": "viewer"})
		e.Must(200, "GET", "/api/v1/drive/entries/"+open.ID, tr2, nil)
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+open.ID+"/permissions", ts1,
			map[string]string{"principal_type": "user", "principal_id": "nobody", "role": "viewer"}), 400, "drive.invalid_permission")
		wantKey(t, e.Do("POST", "/api/v1/drive/entries/"+open.ID+"/permissions", ts1,
			map[string]string{"principal_type": "user", "principal_id": r2.ID, "role": "owner"}), 400, "drive.invalid_permission")

		// Personal spaces: created on first use, private to their owner.
		mine := e.spaces(ts1)["personal"]
		if mine.ID == "" || mine.Role != drive.RoleManager || mine.OwnerID != s1.ID {
			t.Fatalf("personal space %+v", mine)
		}
		wantKey(t, e.Do("GET", "/api/v1/drive/entries/"+mine.RootID, tr1, nil), 404, "drive.not_found")
		wantKey(t, e.Do("GET", "/api/v1/drive/entries/"+mine.RootID, e.admin, nil), 404, "drive.not_found")

		// Project spaces: the creator manages, listed members get their role.
		var proj drive.Space
		e.Must(201, "POST", "/api/v1/drive/spaces", tr1, map[string]any{"name": "Apollo",
			"members": []map[string]string{{"principal_type": "user", "principal_id": s1.ID, "role": "editor"}}}).JSON(t, &proj)
		if proj.Kind != drive.SpaceProject || proj.Role != drive.RoleManager {
			t.Fatalf("project %+v", proj)
		}
		if sp := e.spaces(ts1)["project:Apollo"]; sp.Role != drive.RoleEditor {
			t.Fatalf("member's role on the project: %+v", sp)
		}
		if _, ok := e.spaces(tr2)["project:Apollo"]; ok {
			t.Fatal("a non-member sees the project")
		}

		// Org tree changes reach the drive: rename and new department.
		var d struct{ Version int }
		e.Must(200, "GET", "/api/v1/departments/"+sales.ID, e.admin, nil).JSON(t, &d)
		e.Must(200, "PATCH", "/api/v1/departments/"+sales.ID, e.admin, map[string]any{"name": "Sales & Marketing", "version": d.Version})
		if sp := e.spaces(ts1)["department:Sales & Marketing"]; sp.ID != salesSp.ID {
			t.Fatalf("renamed department's space: %+v", e.spaces(ts1))
		}
		ops := e.NewDepartment(e.admin, "Ops", "", nil)
		var n int64
		e.Server.DB.Model(&drive.Space{}).Where("department_id = ?", ops.ID).Count(&n)
		if n != 1 {
			t.Fatal("a new department got no space")
		}
	})
}
