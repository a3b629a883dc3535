package chat_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tack/backend/chat"
	"tack/backend/drive"
	"tack/backend/identity"
	"tack/backend/server/servertest"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (w *world) sendFile(token, convID, name, key string, body []byte) servertest.Response {
	return w.e.Do("POST", "/api/v1/chat/conversations/"+convID+"/files?name="+url.QueryEscape(name)+"&client_key="+key, token, string(body))
}

// chatDriveFiles counts the live files in the drive's chat space.
func chatDriveFiles(t *testing.T, e *servertest.Env) int64 {
	t.Helper()
	var n int64
	if err := e.Server.DB.Table("drive_entries").Joins("JOIN drive_spaces s ON s.id = drive_entries.space_id").
		Where("s.kind = ? AND drive_entries.kind = ? AND drive_entries.deleted = ?", drive.SpaceChat, drive.KindFile, false).
		Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFilesAndImagesInChat(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "文件", w.a2.ID, w.b1.ID)
		pic := pngBytes(t, 800, 600)

		// An image: stored in the drive, a thumbnail made on the server.
		var img chat.MessageView
		w.sendFile(w.ta1, g.ID, "截图.png", "img-1", pic).JSON(t, &img)
		if img.Kind != chat.MessageImage || img.File == nil || img.File.ThumbID == "" || img.File.Width != 800 ||
			img.File.Height != 600 || img.File.Size != int64(len(pic)) || img.File.Name != "截图.png" {
			t.Fatalf("image message %+v file %+v", img, img.File)
		}
		got := e.Must(200, "GET", "/api/v1/chat/messages/"+img.ID+"/file", w.ta2, nil)
		if !bytes.Equal(got.Body, pic) || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d bytes, %q", len(got.Body), got.Header.Get("Content-Disposition"))
		}
		th := e.Must(200, "GET", "/api/v1/chat/messages/"+img.ID+"/thumbnail", w.tb1, nil)
		tc, err := jpeg.DecodeConfig(bytes.NewReader(th.Body))
		if err != nil || tc.Width != 320 || tc.Height != 240 || th.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumbnail %+v %v %q", tc, err, th.Header.Get("Content-Type"))
		}
		// A retry with the same key: the first message, nothing stored twice.
		before := chatDriveFiles(t, e)
		var again chat.MessageView
		w.sendFile(w.ta1, g.ID, "截图.png", "img-1", pic).JSON(t, &again)
		if again.ID != img.ID || chatDriveFiles(t, e) != before {
			t.Fatalf("retry: %s vs %s, drive files %d → %d", again.ID, img.ID, before, chatDriveFiles(t, e))
		}

		// A file: a card with name and size; its name is searchable.
		var doc chat.MessageView
		w.sendFile(w.ta2, g.ID, "季度报告.txt", "doc-1", []byte("三季度营收")).JSON(t, &doc)
		if doc.Kind != chat.MessageFile || doc.File == nil || doc.File.ThumbID != "" || doc.File.Size != int64(len("三季度营收")) {
			t.Fatalf("file message %+v", doc)
		}
		if r := e.Do("GET", "/api/v1/chat/messages/"+doc.ID+"/thumbnail", w.ta1, nil); r.Status != 404 || key(t, r) != "chat.file_not_found" {
			t.Fatalf("thumbnail of a text file: %d %s", r.Status, r.Body)
		}
		var hits struct{ Items []chat.MessageView }
		e.Must(200, "GET", "/api/v1/chat/search?q="+url.QueryEscape("报告"), w.tb1, nil).JSON(t, &hits)
		if len(hits.Items) != 1 || hits.Items[0].ID != doc.ID {
			t.Fatalf("file name search: %+v", hits.Items)
		}
		if r := e.Do("PATCH", "/api/v1/chat/messages/"+doc.ID, w.ta2, map[string]any{"body": "x"}); r.Status != 409 || key(t, r) != "chat.not_editable" {
			t.Fatalf("edit a file message: %d %s", r.Status, r.Body)
		}

		// Outsiders: nothing to read, nothing stored when they try to send.
		for _, path := range []string{"/file", "/thumbnail"} {
			if r := e.Do("GET", "/api/v1/chat/messages/"+img.ID+path, w.tha, nil); r.Status != 404 {
				t.Fatalf("outsider reads %s: %d", path, r.Status)
			}
		}
		before = chatDriveFiles(t, e)
		if r := w.sendFile(w.tha, g.ID, "x.txt", "o-1", []byte("x")); r.Status != 404 || chatDriveFiles(t, e) != before {
			t.Fatalf("outsider sends a file: %d, drive files %d → %d", r.Status, before, chatDriveFiles(t, e))
		}

		// The size limit: refused by its declared length or while streaming, nothing stored.
		e.Server.Chat.SetMaxFileSize(1000)
		seq := w.messages(w.ta1, g.ID, "").Items
		if r := w.sendFile(w.ta1, g.ID, "big.bin", "big-1", make([]byte, 1001)); r.Status != 413 || key(t, r) != "chat.file_too_large" {
			t.Fatalf("too large: %d %s", r.Status, r.Body)
		}
		a1 := identity.Actor{UserID: w.a1.ID, Name: w.a1.Name}
		if _, err := e.Server.Chat.SendFile(context.Background(), a1, g.ID, chat.SendFileRequest{Name: "stream.bin", Size: -1,
			Body: bytes.NewReader(make([]byte, 5000))}); err != chat.ErrFileTooLarge {
			t.Fatalf("streamed too large: %v", err)
		}
		if after := w.messages(w.ta1, g.ID, "").Items; len(after) != len(seq) || chatDriveFiles(t, e) != before {
			t.Fatalf("a refused file left %d messages (was %d), drive files %d → %d", len(after), len(seq), before, chatDriveFiles(t, e))
		}
		e.Server.Chat.SetMaxFileSize(0)

		// Forward the file to another conversation; recall the original:
		// its image is gone, the forwarded copy still opens.
		other := w.group(w.ta1, chat.KindTemporary, "转发", w.ha.ID)
		var fw struct{ Items []chat.MessageView }
		e.Must(201, "POST", "/api/v1/chat/messages/"+img.ID+"/forward", w.ta1, map[string]any{"conversation_ids": []string{other.ID}, "client_key": "f1"}).JSON(t, &fw)
		if len(fw.Items) != 1 || fw.Items[0].File == nil || fw.Items[0].Kind != chat.MessageImage {
			t.Fatalf("forwarded %+v", fw.Items)
		}
		e.Must(200, "POST", "/api/v1/chat/messages/"+img.ID+"/recall", w.ta1, nil)
		if r := e.Do("GET", "/api/v1/chat/messages/"+img.ID+"/file", w.ta2, nil); r.Status != 404 {
			t.Fatalf("recalled image still opens: %d", r.Status)
		}
		if r := e.Must(200, "GET", "/api/v1/chat/messages/"+fw.Items[0].ID+"/file", w.tha, nil); !bytes.Equal(r.Body, pic) {
			t.Fatal("forwarded copy lost its file")
		}

		// A removed member: every file of the conversation is gone for
		// them, those sent before the removal as well as after.
		e.Must(204, "DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.b1.ID, w.ta1, nil)
		var later chat.MessageView
		w.sendFile(w.ta1, g.ID, "新方案.txt", "new-1", []byte("new")).JSON(t, &later)
		for _, id := range []string{doc.ID, later.ID} {
			if r := e.Do("GET", "/api/v1/chat/messages/"+id+"/file", w.tb1, nil); r.Status != 404 {
				t.Fatalf("removed member reads file of %s: %d", id, r.Status)
			}
			e.Must(200, "GET", "/api/v1/chat/messages/"+id+"/file", w.ta2, nil)
		}
	})
}

// An admins-only group refuses a member's file before storing it.
func TestFileInAdminsOnlyGroup(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "通知", w.a2.ID)
		e.Must(200, "PATCH", "/api/v1/chat/conversations/"+g.ID, w.ta1, map[string]any{"post_policy": "admins", "version": g.Version})
		before := chatDriveFiles(t, e)
		if r := w.sendFile(w.ta2, g.ID, "a.txt", "k", []byte("a")); r.Status != http.StatusForbidden || chatDriveFiles(t, e) != before {
			t.Fatalf("member's file in an admins-only group: %d, files %d → %d", r.Status, before, chatDriveFiles(t, e))
		}
	})
}
