package notify_test

import (
	"io"
	"testing"

	"tack/backend/notify"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

// TestDemoAnnouncement: the demo company has a notice to acknowledge, once.
func TestDemoAnnouncement(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	for range 2 { // loading twice adds nothing
		if err := server.LoadDemo(t.Context(), e.Server, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	var ans []notify.Announcement
	e.Server.DB.Find(&ans)
	if len(ans) != 1 || !ans[0].RequireAck || !ans[0].Everyone {
		t.Fatalf("demo announcements %+v", ans)
	}
	var receipts int64
	e.Server.DB.Model(&notify.AnnouncementReceipt{}).Where("announcement_id = ?", ans[0].ID).Count(&receipts)
	if receipts != 20 {
		t.Fatalf("%d receipts, want the 20 demo people", receipts)
	}
	dispatch(t, e)
	tok := e.Login("wuhao@demo.tack", "demo12345")
	if n := len(byType(t, e, tok, "announcement.published")); n != 1 {
		t.Fatalf("吴昊 has %d announcement notices", n)
	}
}
