package app

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A tack:// link (a toast click, an email, a second start) reaches the
// window only as a route of the UI; everything else is dropped.
func TestLinkRoute(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		link string
		want string // "" = refused
	}{
		{"tack://open?link=/approvals/42", "/approvals/42"},
		{"tack://open?link=%2Fmeetings%2F7%3Fday%3D2026-01-05", "/meetings/7?day=2026-01-05"},
		{"TACK://open/?link=/drive", "/drive"},
		{"tack:open?link=/notify", "/notify"},
		{"tack://open?link=https://evil.example/", ""},
		{"tack://open?link=//evil.example/x", ""},
		{"tack://open?link=javascript:alert(1)", ""},
		{"tack://open?link=/api/v1/auth/logout", ""},
		{"tack://open?link=/wails/ipc", ""},
		{"tack://open?link=/a%5C..%5Cb", ""},
		{"tack://open?link=", ""},
		{"tack://delete?link=/drive", ""},
		{"tack://open/other?link=/drive", ""},
		{"https://tack.example/open?link=/drive", ""},
		{"/approvals/1", ""},
	}
	for _, s := range scenarios {
		got, ok := LinkRoute(s.link)
		if got != s.want || ok != (s.want != "") {
			t.Errorf("LinkRoute(%q) = %q, %v; want %q", s.link, got, ok, s.want)
		}
	}
}

// A toast's click URL leads back to the same route, query and all.
func TestOpenLinkURLRoundTrip(t *testing.T) {
	for _, link := range []string{"/approvals/01ABC", "/chat/c1?around=42&q=预算 Q4", "/reports/r1#comments"} {
		got, ok := LinkRoute(OpenLinkURL(link))
		if !ok || got != link {
			t.Errorf("LinkRoute(OpenLinkURL(%q)) = %q, %v", link, got, ok)
		}
	}
}

func TestParseLaunch(t *testing.T) {
	t.Parallel()
	got := ParseLaunch([]string{"--hidden", "tack://open?link=/approvals/1", "tack://open?link=https://evil.example"})
	want := Launch{Hidden: true, Links: []string{"/approvals/1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseLaunch = %+v, want %+v", got, want)
	}
}

// The installer's /SERVER= preset (tack-server.txt next to tack.exe) is the
// first start's connection; a saved choice wins over it.
func TestPresetServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	exe := filepath.Join(dir, "tack.exe")
	if got := presetServer(exe); got != "" {
		t.Fatalf("no file: %q", got)
	}
	os.WriteFile(filepath.Join(dir, "tack-server.txt"), []byte("tack.example.com\r\n"), 0o644)
	if got := presetServer(exe); got != "https://tack.example.com" {
		t.Fatalf("preset = %q", got)
	}
	os.WriteFile(filepath.Join(dir, "tack-server.txt"), []byte("javascript:alert(1)"), 0o644)
	if got := presetServer(exe); got != "" {
		t.Fatalf("a non-web preset was taken: %q", got)
	}

	os.WriteFile(filepath.Join(dir, "tack-server.txt"), []byte("https://tack.example.com"), 0o644)
	cfg := t.TempDir()
	a := &App{ConfigDir: cfg, Proxy: NewProxy(nil), exePath: exe}
	if err := a.restore(); err != nil {
		t.Fatal(err)
	}
	if c := a.connection(); c.Mode != ModeRemote || c.URL != "https://tack.example.com" {
		t.Fatalf("first start connection = %+v", c)
	}
	SaveConnection(cfg, Connection{Mode: ModeRemote, URL: "https://other.example"})
	a = &App{ConfigDir: cfg, Proxy: NewProxy(nil), exePath: exe}
	if err := a.restore(); err != nil {
		t.Fatal(err)
	}
	if c := a.connection(); c.URL != "https://other.example" {
		t.Fatalf("the preset overrode the saved choice: %+v", c)
	}
}
