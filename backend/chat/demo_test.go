package chat_test

import (
	"context"
	"io"
	"testing"

	"tack/backend/chat"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

func TestDemoChat(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		if err := server.LoadDemo(context.Background(), e.Server, io.Discard); err != nil {
			t.Fatal(err)
		}
		var groups []chat.Conversation
		e.Server.DB.Order("kind").Find(&groups)
		kinds := map[string]int{}
		for _, g := range groups {
			kinds[g.Kind]++
		}
		if kinds[chat.KindAllStaff] != 1 || kinds[chat.KindDepartment] < 5 || kinds[chat.KindProject] != 1 || kinds[chat.KindTemporary] != 1 || kinds[chat.KindDirect] != 2 {
			t.Fatalf("demo conversations %v", kinds)
		}
		var msgs, staff int64
		e.Server.DB.Model(&chat.Message{}).Count(&msgs)
		e.Server.DB.Model(&chat.Member{}).Joins("JOIN chat_conversations c ON c.id = chat_members.conversation_id AND c.kind = ?", chat.KindAllStaff).Count(&staff)
		if msgs < 20 || staff != 20 {
			t.Fatalf("demo: %d messages, %d in the all-staff group", msgs, staff)
		}
		// The project group has an announcement and a file message in the drive.
		var project chat.Conversation
		e.Server.DB.First(&project, "kind = ?", chat.KindProject)
		var files int64
		e.Server.DB.Model(&chat.Message{}).Where("conversation_id = ? AND kind = ?", project.ID, chat.MessageFile).Count(&files)
		if project.Announcement == "" || files != 1 {
			t.Fatalf("demo project group: announcement %q, %d files", project.Announcement, files)
		}
		// Loading again changes nothing.
		if err := server.LoadDemo(context.Background(), e.Server, io.Discard); err != nil {
			t.Fatal(err)
		}
		var again int64
		e.Server.DB.Model(&chat.Message{}).Count(&again)
		if again != msgs {
			t.Fatalf("second load: %d messages, was %d", again, msgs)
		}
	})
}
