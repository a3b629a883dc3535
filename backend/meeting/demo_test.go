package meeting_test

import (
	"context"
	"io"
	"testing"

	"tack/backend/meeting"
	"tack/backend/server"
	"tack/backend/server/servertest"
)

func TestDemoMeetings(t *testing.T) {
	t.Parallel()
	e := servertest.New(t)
	if err := server.LoadDemo(context.Background(), e.Server, tw{t}); err != nil {
		t.Fatal(err)
	}
	var rooms, meetings int64
	e.Server.DB.Model(&meeting.Room{}).Count(&rooms)
	e.Server.DB.Model(&meeting.Meeting{}).Count(&meetings)
	if rooms != 4 || meetings != 4 {
		t.Fatalf("demo: %d rooms, %d meetings", rooms, meetings)
	}
}

type tw struct{ t *testing.T }

func (w tw) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

var _ io.Writer = tw{}
