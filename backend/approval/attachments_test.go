package approval_test

import (
	"net/url"
	"testing"

	"tack/backend/approval"
	"tack/backend/drive"
	"tack/backend/server/servertest"
)

// TestAttachments: files uploaded for a request are archived when it is
// submitted; whoever may see the request downloads them, nobody else; later
// edits of the file in the drive do not change the request.
func TestAttachments(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		upload := func(tok, name, body string) approval.Attachment {
			t.Helper()
			var a approval.Attachment
			e.Must(201, "POST", "/api/v1/approval/attachments?name="+url.QueryEscape(name), tok, body).JSON(t, &a)
			if a.ID == "" || a.Size != int64(len(body)) {
				t.Fatalf("upload %+v", a)
			}
			return a
		}
		up := upload(c.empT, "病假条.pdf", "%PDF sick note v1")
		up2 := upload(c.empT, "病假条.pdf", "second file, same name")
		if up.Name != "病假条.pdf" || up2.Name != "病假条 (2).pdf" {
			t.Fatalf("second upload named %q", up2.Name)
		}
		form := leaveForm("2026-01-12", "2026-01-13")
		form["attachments"] = []string{up.ID}
		var inst approval.Instance
		e.Must(201, "POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": form}).JSON(t, &inst)
		atts, _ := inst.Form["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("form attachments %v", inst.Form["attachments"])
		}
		arch := atts[0].(map[string]any)
		fileID, _ := arch["id"].(string)
		if fileID == "" || fileID == up.ID || arch["name"] != "病假条.pdf" {
			t.Fatalf("archived %v", arch)
		}
		// The applicant edits the file in their drive afterwards.
		e.Must(200, "POST", "/api/v1/drive/files?entry_id="+up.ID+"&base_version=1", c.empT, "%PDF changed later")

		get := func(tok string, id string) servertest.Response {
			return e.Do("GET", "/api/v1/approvals/"+inst.ID+"/attachments/"+id, tok, nil)
		}
		r := get(c.headT, fileID)
		if r.Status != 200 || string(r.Body) != "%PDF sick note v1" || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("head download %d %q %s", r.Status, r.Body, r.Header.Get("Content-Type"))
		}
		if r := get(c.otherT, fileID); r.Status != 404 {
			t.Fatalf("uninvolved download %d", r.Status)
		}
		// Only the instance's own files: not the drive original, not another request's.
		if r := get(c.headT, up.ID); r.Status != 404 {
			t.Fatalf("download of a file not on the request: %d", r.Status)
		}

		// A file the applicant cannot read is refused, nothing is written.
		priv := upload(c.otherT, "secret.txt", "not yours")
		form["attachments"] = []string{priv.ID}
		r = e.Do("POST", "/api/v1/approvals", c.empT, map[string]any{"template_id": c.leaveID, "form": form})
		if _, key, fields := r.ErrorCode(); r.Status != 400 || key != "approval.invalid_form" || fields["form.attachments"] != "not_found" {
			t.Fatalf("someone else's file: %d %s", r.Status, r.Body)
		}

		// The head comments with a file; the applicant downloads it.
		memo := upload(c.headT, "交接说明.docx", "handover")
		e.Must(200, "POST", "/api/v1/approvals/"+inst.ID+"/comment", c.headT, map[string]any{"comment": "见附件", "attachments": []string{memo.ID}})
		var d approval.Detail
		e.Must(200, "GET", "/api/v1/approvals/"+inst.ID, c.empT, nil).JSON(t, &d)
		if len(d.Comments) != 1 || len(d.Comments[0].Files) != 1 || d.Comments[0].Files[0].Name != "交接说明.docx" {
			t.Fatalf("comments %+v", d.Comments)
		}
		if r := get(c.empT, d.Comments[0].Files[0].ID); r.Status != 200 || string(r.Body) != "handover" {
			t.Fatalf("comment file %d %q", r.Status, r.Body)
		}

		// The archive is a drive space of its own, for administrators only.
		var spaces struct{ Items []drive.Space }
		e.Must(200, "GET", "/api/v1/drive/spaces", c.empT, nil).JSON(t, &spaces)
		for _, sp := range spaces.Items {
			if sp.Kind == drive.SpaceArchive {
				t.Fatal("a member sees the approvals archive")
			}
		}
		e.Must(200, "GET", "/api/v1/drive/spaces", c.admin, nil).JSON(t, &spaces)
		found := false
		for _, sp := range spaces.Items {
			found = found || sp.Kind == drive.SpaceArchive
		}
		if !found {
			t.Fatal("the admin does not see the approvals archive")
		}
		if r := e.Do("GET", "/api/v1/drive/files/"+fileID+"/content", c.empT, nil); r.Status != 404 {
			t.Fatalf("archived copy readable through the drive by the applicant: %d", r.Status)
		}
	})
}
