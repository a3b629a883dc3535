package drive_test

import (
	"net/http"
	"testing"

	"tack/backend/drive"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// TestDepartmentFolderNames: a department's name is its drive folder's
// name, so creating or renaming a department to a name no folder may have
// ("..", a slash, a Windows device name...) is refused with a translated
// error and saves nothing; people's names become valid folder names.
func TestDepartmentFolderNames(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		root := e.RootDepartment(e.admin)
		bad := map[string]string{"..": "dot", "研发/测试": "slash", `A\B`: "slash", "CON": "windows_reserved", "lpt1.dept": "windows_reserved",
			"A:B": "windows_character", "Sales.": "trailing_dot_or_space", "a\u0007b": "control_character"}
		for name, problem := range bad {
			r := e.Do("POST", "/api/v1/departments", e.admin, map[string]any{"name": name, "parent_id": root.ID})
			// A control character is refused earlier, by org's rule for
			// every name (apperr.SingleLine), with the same field problem.
			key := "drive.department_name_invalid"
			if problem == "control_character" {
				key = "org.invalid_department"
			}
			wantKey(t, r, http.StatusBadRequest, key)
			if _, _, f := r.ErrorCode(); f["name"] != problem {
				t.Errorf("%q: fields %v, want name=%s", name, f, problem)
			}
		}
		var list struct{ Items []org.Department }
		e.Must(http.StatusOK, "GET", "/api/v1/departments", e.admin, nil).JSON(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("refused departments were saved: %+v", list.Items)
		}
		d := e.NewDepartment(e.admin, "Sales", "", nil)
		r := e.Do("PATCH", "/api/v1/departments/"+d.ID, e.admin, map[string]any{"name": "Sales/East", "version": d.Version})
		wantKey(t, r, http.StatusBadRequest, "drive.department_name_invalid")
		var now org.Department
		e.Must(http.StatusOK, "GET", "/api/v1/departments/"+d.ID, e.admin, nil).JSON(t, &now)
		if now.Name != "Sales" || now.Version != d.Version {
			t.Fatalf("the refused rename changed the department: %+v", now)
		}
		e.Must(http.StatusOK, "PATCH", "/api/v1/departments/"+d.ID, e.admin, map[string]any{"name": "销售部", "version": d.Version})
		sp := e.spaces(e.admin)["department:销售部"]
		var rootEntry drive.Entry
		e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+sp.RootID, e.admin, nil).JSON(t, &rootEntry)
		if rootEntry.Name != "销售部" {
			t.Fatalf("root folder %q", rootEntry.Name)
		}
		// A person's name is not refused: their personal space's folder
		// gets a valid name made from it.
		e.Must(http.StatusCreated, "POST", "/api/v1/users", e.admin, map[string]any{"email": "li@test.tack", "name": "李/四 CO.",
			"department_id": d.ID, "title": "Staff", "phone": "13900000999", "roles": []string{}, "password": servertest.TestPassword})
		li := e.Login("li@test.tack", servertest.TestPassword)
		personal := e.spaces(li)["personal"]
		e.Must(http.StatusOK, "GET", "/api/v1/drive/entries/"+personal.RootID, li, nil).JSON(t, &rootEntry)
		if rootEntry.Name != "李_四 CO" || personal.Name != "李/四 CO." {
			t.Fatalf("personal space %q, root folder %q", personal.Name, rootEntry.Name)
		}
	})
}
