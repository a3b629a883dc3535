package app

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tack/backend/server/servertest"
)

// The desktop smoke of the punch (e2e/desktop/notify.sh): the window's
// PunchNow binding (what the tray's 打卡 item runs) punches on a real server
// and the result reaches the session bus's notification service.
func TestOSNotificationOnTrayPunch(t *testing.T) {
	calls := notifyCalls(t)

	env := servertest.New(t)
	env.Clock.Set(time.Now())
	admin, _ := env.Setup()
	env.Must(http.StatusCreated, "POST", "/api/v1/attendance/networks", admin, map[string]any{"name": "本机", "cidr": "127.0.0.0/8"})
	a := New(t.TempDir(), nil, "test")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	target, _ := url.Parse(env.HTTP.URL)
	a.Proxy.SetTarget(target)
	front := httptest.NewServer(a.Proxy)
	defer front.Close()
	signIn(t, front.URL)
	if r, _ := a.PunchNow(); !r.OK {
		t.Fatalf("punch: %+v", r)
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-calls:
			if len(m.Body) >= 5 {
				summary, _ := m.Body[3].(string)
				body, _ := m.Body[4].(string)
				if strings.Contains(summary, "打卡成功") && strings.Contains(body, "打卡时间") {
					t.Logf("notification raised: %q / %q", summary, body)
					return
				}
			}
		case <-timeout:
			t.Fatal("no org.freedesktop.Notifications.Notify call for the punch")
		}
	}
}
