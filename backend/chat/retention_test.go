package chat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/audit"
	"tack/backend/chat"
	"tack/backend/server/servertest"
)

func TestRetentionDeletesOldMessagesAndFiles(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "保留", w.a2.ID)
		old := w.send(w.ta1, g.ID, map[string]any{"body": "旧消息 retention"})
		var oldFile chat.MessageView
		w.sendFile(w.ta1, g.ID, "旧图.png", "old-img", pngBytes(t, 40, 30)).JSON(t, &oldFile)
		// Forty days old (moving the clock instead would end the sessions).
		if err := e.Server.DB.Model(&chat.Message{}).Where("id IN ?", []string{old.ID, oldFile.ID}).
			Update("created_at", e.Clock.Now().Add(-40*24*time.Hour)).Error; err != nil {
			t.Fatal(err)
		}
		fresh := w.send(w.ta2, g.ID, map[string]any{"body": "新消息 retention"})

		// Keep (the default): the job deletes nothing.
		if n, err := e.Server.Chat.ApplyRetention(context.Background()); err != nil || n != 0 {
			t.Fatalf("keep forever deleted %d: %v", n, err)
		}
		// Only administrators set it; bad values are refused.
		if r := e.Do("PUT", "/api/v1/chat/settings", w.ta1, map[string]any{"retention_days": 30, "version": 0}); r.Status != 403 {
			t.Fatalf("member sets retention: %d", r.Status)
		}
		if r := e.Do("PUT", "/api/v1/chat/settings", w.admin, map[string]any{"retention_days": -1, "version": 0}); r.Status != 400 || key(t, r) != "chat.invalid_settings" {
			t.Fatalf("negative retention: %d %s", r.Status, r.Body)
		}
		var set chat.Settings
		e.Must(200, "PUT", "/api/v1/chat/settings", w.admin, map[string]any{"retention_days": 30, "version": 0}).JSON(t, &set)
		if set.RetentionDays != 30 || set.Version != 1 {
			t.Fatalf("settings %+v", set)
		}
		if r := e.Do("PUT", "/api/v1/chat/settings", w.admin, map[string]any{"retention_days": 7, "version": 0}); r.Status != 409 {
			t.Fatalf("stale settings: %d", r.Status)
		}
		filesBefore := chatDriveFiles(t, e)
		n, err := e.Server.Chat.ApplyRetention(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("retention deleted %d: %v", n, err)
		}
		p := w.messages(w.ta1, g.ID, "")
		if len(p.Items) != 1 || p.Items[0].ID != fresh.ID {
			t.Fatalf("after retention: %+v", p.Items)
		}
		for _, id := range []string{old.ID, oldFile.ID} {
			if r := e.Do("GET", "/api/v1/chat/messages/"+id, w.ta1, nil); r.Status != 404 {
				t.Fatalf("deleted message %s: %d", id, r.Status)
			}
		}
		if got := chatDriveFiles(t, e); got != filesBefore-2 { // the image and its thumbnail went to the drive's trash
			t.Fatalf("drive files %d → %d", filesBefore, got)
		}
		var hits struct{ Items []chat.MessageView }
		e.Must(200, "GET", "/api/v1/chat/search?q=retention", w.ta1, nil).JSON(t, &hits)
		if len(hits.Items) != 1 || hits.Items[0].ID != fresh.ID {
			t.Fatalf("search after retention: %+v", hits.Items)
		}
		// Sequences go on: the next message follows the last one ever sent.
		if m := w.send(w.ta1, g.ID, map[string]any{"body": "接着"}); m.Seq != fresh.Seq+1 {
			t.Fatalf("seq after retention %d", m.Seq)
		}
		// Recorded in the audit log: the change and what the job deleted.
		var entries struct{ Items []audit.Entry }
		e.Must(200, "GET", "/api/v1/audit?target_id=company", w.admin, nil).JSON(t, &entries)
		actions := map[string]bool{}
		for _, x := range entries.Items {
			actions[x.Action] = true
		}
		if !actions["chat.settings"] || !actions["chat.retention"] {
			t.Fatalf("audit: %+v", entries.Items)
		}
	})
}

func TestExportIsAdminOnlyAndAudited(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "记录", w.a2.ID)
		w.send(w.ta1, g.ID, map[string]any{"body": "=1+1 是文本"})
		w.sendFile(w.ta2, g.ID, "合同.txt", "c1", []byte("合同内容"))
		gone := w.send(w.ta2, g.ID, map[string]any{"body": "说错了"})
		e.Must(200, "POST", "/api/v1/chat/messages/"+gone.ID+"/recall", w.ta2, nil)
		exp := "/api/v1/chat/conversations/" + g.ID + "/export"

		// A member may not; an outsider does not see the conversation.
		if r := e.Do("GET", exp, w.ta1, nil); r.Status != 403 || key(t, r) != "chat.export_forbidden" {
			t.Fatalf("owner exports: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", exp, w.tb1, nil); r.Status != 404 {
			t.Fatalf("outsider exports: %d", r.Status)
		}
		if r := e.Do("GET", exp+"?format=pdf", w.admin, nil); r.Status != 400 || key(t, r) != "chat.invalid_export" {
			t.Fatalf("bad format: %d %s", r.Status, r.Body)
		}
		// The administrator, not a member, exports JSON and XLSX.
		r := e.Must(200, "GET", exp+"?format=json", w.admin, nil)
		var doc chat.ExportDocument
		if err := json.Unmarshal(r.Body, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Messages) != 3 || doc.Messages[0].Body != "=1+1 是文本" || doc.Messages[1].File == nil ||
			doc.Messages[1].File.Name != "合同.txt" || doc.Messages[2].RecalledAt == nil || doc.Messages[2].Body != "" || len(doc.Members) != 2 {
			t.Fatalf("json export: %+v", doc)
		}
		x := e.Must(200, "GET", exp+"?format=xlsx", w.admin, nil)
		f, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("消息 Messages")
		if err != nil || len(rows) != 4 || rows[1][4] != "=1+1 是文本" || rows[2][5] == "" {
			t.Fatalf("xlsx rows %v %v", rows, err)
		}
		if fm, _ := f.GetCellFormula("消息 Messages", "E2"); fm != "" {
			t.Fatalf("a message became a formula: %q", fm)
		}
		// Both exports are in the audit log, the refusals are not.
		var entries struct{ Items []audit.Entry }
		e.Must(http.StatusOK, "GET", "/api/v1/audit?action=chat.export&target_id="+g.ID, w.admin, nil).JSON(t, &entries)
		if len(entries.Items) != 2 || entries.Items[0].ActorID != w.adminU.ID {
			t.Fatalf("audit %+v", entries.Items)
		}
	})
}
