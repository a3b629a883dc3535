package app

import "testing"

// TestNavigateJS: a click follows only this app's own routes, quoted so the
// link cannot end the string it sits in.
func TestNavigateJS(t *testing.T) {
	for _, c := range []struct {
		link, js string
		ok       bool
	}{
		{"/approvals/abc", `history.pushState(null,'',"/approvals/abc");dispatchEvent(new PopStateEvent('popstate'))`, true},
		{"/meetings/x?occurrence=2026-01-06T02:00:00Z", `history.pushState(null,'',"/meetings/x?occurrence=2026-01-06T02:00:00Z");dispatchEvent(new PopStateEvent('popstate'))`, true},
		{`/x");alert(1);("`, `history.pushState(null,'',"/x\");alert(1);(\"");dispatchEvent(new PopStateEvent('popstate'))`, true},
		{"/x</script>", `history.pushState(null,'',"/x\u003c/script\u003e");dispatchEvent(new PopStateEvent('popstate'))`, true},
		{"//evil.example/x", "", false},
		{"javascript:alert(1)", "", false},
		{"https://evil.example", "", false},
		{"", "", false},
		{"/a\nb", "", false},
		// The /api proxy and the Wails runtime are not UI routes: a server's
		// text/html there would run on the app's origin.
		{"/api/v1/drive/files/x/content", "", false},
		{"/api", "", false},
		{"/API/v1/x", "", false},
		{"/./api/v1/x", "", false},
		{"/approvals/../api/v1/x", "", false},
		{"/%61pi/v1/x", "", false},
		{"/api%2fv1/x", "", false},
		{"/wails/runtime.js", "", false},
		{"/a\\b", "", false},
		{"/a\tb", "", false},
		{"/apis-overview", `history.pushState(null,'',"/apis-overview");dispatchEvent(new PopStateEvent('popstate'))`, true},
	} {
		js, ok := navigateJS(c.link)
		if js != c.js || ok != c.ok {
			t.Errorf("navigateJS(%q) = %q, %v; want %q, %v", c.link, js, ok, c.js, c.ok)
		}
	}
}
