package drive_test

import (
	"testing"

	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// TestDeactivatedUserKeepsFiles: offboarding closes the account, not its
// files: what they wrote stays, with its author, readable by colleagues.
func TestDeactivatedUserKeepsFiles(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, se *servertest.Env) {
		e := newEnv(t, se)
		dept := e.NewDepartment(e.admin, "Finance", "", nil)
		leaver, tl := e.NewUser(e.admin, dept.ID)
		_, tc := e.NewUser(e.admin, dept.ID)
		sp := e.spaces(tl)["department:Finance"]
		f := e.mustPut(tl, sp.RootID, "ledger.csv", []byte("a,b\n1,2\n"))
		mine := e.spaces(tl)["personal"]
		e.mustPut(tl, mine.RootID, "private.txt", []byte("mine"))
		e.Must(200, "POST", "/api/v1/users/"+leaver.ID+"/deactivate", e.admin, nil)
		var got drive.Entry
		e.Must(200, "GET", "/api/v1/drive/entries/"+f.ID, tc, nil).JSON(t, &got)
		if got.CreatedBy != leaver.ID || got.ModifiedByName != leaver.Name {
			t.Fatalf("entry after offboarding %+v", got)
		}
		if string(e.get(tc, f.ID, 0).Body) != "a,b\n1,2\n" {
			t.Fatal("content gone after offboarding")
		}
		var n int64
		e.Server.DB.Model(&drive.Entry{}).Where("space_id = ? AND deleted = ?", mine.ID, false).Count(&n)
		if n != 2 { // root + private.txt
			t.Fatalf("personal space has %d live entries after offboarding", n)
		}
	})
}
