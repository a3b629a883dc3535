package notify_test

import (
	"context"
	"testing"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// A receiver's confirmation reaches the sender's live stream as ding.acked
// with the counts after it, and nobody else: not the other receiver, not a
// bystander, not the admin (who may open the DING but does not follow it);
// it makes no notification, and confirming again emits nothing more.
func TestDingAckedGoesToTheSenderOnly(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		adminTok, admin := e.Setup()
		sender, senderTok := e.NewUser(adminTok, "")
		b, bTok := e.NewUser(adminTok, "")
		c, _ := e.NewUser(adminTok, "")
		bystander, _ := e.NewUser(adminTok, "")
		runDispatcher(t, e.Server.Notify)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ch, _ := openStream(t, ctx, e.HTTP.URL, senderTok, "")

		var d notify.Ding
		e.Must(201, "POST", "/api/v1/ding", senderTok, map[string]any{"recipients": []string{b.ID, c.ID}, "message": "Sign the contract"}).JSON(t, &d)
		e.Must(200, "POST", "/api/v1/ding/"+d.ID+"/ack", bTok, nil)
		e.Must(200, "POST", "/api/v1/ding/"+d.ID+"/ack", bTok, nil) // again: already confirmed
		var ev sseEvent
		for ev.Type != "ding.acked" {
			ev = next(t, ch)
		}
		data := ev.Data.Data
		if data["ding_id"] != d.ID || data["user_id"] != b.ID || data["user_name"] != b.Name ||
			data["acked"] != float64(1) || data["total"] != float64(2) || data["acked_at"] == "" {
			t.Fatalf("ding.acked %s", ev.Raw)
		}
		if len(ev.Data.Recipients) != 0 {
			t.Fatalf("the stream event carries recipients: %s", ev.Raw)
		}
		// Every event each person could replay: one ding.acked, the sender's.
		for _, who := range []struct {
			name, id string
			want     int
		}{{"sender", sender.ID, 1}, {"receiver b", b.ID, 0}, {"receiver c", c.ID, 0}, {"bystander", bystander.ID, 0}, {"admin", admin.ID, 0}} {
			evs, err := e.Server.Notify.EventsAfter(context.Background(), who.id, 0, 10_000)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ev := range evs {
				if ev.Type == "ding.acked" {
					n++
				}
			}
			if n != who.want {
				t.Errorf("%s can replay %d ding.acked events, want %d", who.name, n, who.want)
			}
		}
		var count int64
		if err := e.Server.DB.Model(&notify.Notification{}).Where("type = ?", "ding.acked").Count(&count).Error; err != nil {
			t.Fatal(err)
		}
		if count != 0 {
			t.Fatalf("%d ding.acked notifications, want none", count)
		}
	})
}
