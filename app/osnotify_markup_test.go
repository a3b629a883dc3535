//go:build linux

package app

import "testing"

// TestFDOTextIsNotMarkup: the daemon reads a body as markup; the server's
// text must reach it as text, links and pictures included.
func TestFDOTextIsNotMarkup(t *testing.T) {
	for in, want := range map[string]string{
		"请假申请：李雷": "请假申请：李雷",
		`<a href="https://evil.example/login">请重新登录</a>`: `&lt;a href="https://evil.example/login"&gt;请重新登录&lt;/a&gt;`,
		`<img src="file:///etc/passwd">`:                 `&lt;img src="file:///etc/passwd"&gt;`,
		"R&D <周会>":                                       "R&amp;D &lt;周会&gt;",
	} {
		if got := fdoText(in); got != want {
			t.Errorf("fdoText(%q) = %q, want %q", in, got, want)
		}
	}
}
