package app

import "testing"

func TestConnectionRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadConnection(dir)
	if err != nil || c.Mode != ModeNone {
		t.Fatalf("empty: %+v %v", c, err)
	}
	if err := SaveConnection(dir, Connection{Mode: ModeRemote, URL: "https://tack.example.com"}); err != nil {
		t.Fatal(err)
	}
	c, _ = LoadConnection(dir)
	if c.Mode != ModeRemote || c.URL != "https://tack.example.com" {
		t.Fatalf("got %+v", c)
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{"tack.example.com/": "https://tack.example.com", "http://10.0.0.2:8080": "http://10.0.0.2:8080"} {
		u, err := normalizeURL(in)
		if err != nil || u.String() != want {
			t.Errorf("%q → %v %v", in, u, err)
		}
	}
	if _, err := normalizeURL("ftp://x"); err == nil {
		t.Error("ftp accepted")
	}
}

func TestLocalWorkspaceAnswersHealthz(t *testing.T) {
	a := New(t.TempDir(), nil, "test")
	c, err := a.CreateLocalWorkspace()
	if err != nil {
		t.Fatal(err)
	}
	defer a.stopLocal()
	u, _ := normalizeURL(c.URL)
	if err := checkHealth(a.context(), u); err != nil {
		t.Fatalf("healthz on %s: %v", c.URL, err)
	}
	a.ask = func(string, string) (bool, error) { return true, nil } // the user says yes
	if _, err := a.ConnectRemote(c.URL); err != nil {               // a Tack server passes the check
		t.Fatal(err)
	}
}

func TestFormatErrorShape(t *testing.T) {
	got := FormatError(errBadURL).(BindingError)
	if got.Code != "invalid" || got.Key != "desktop.bad_url" || got.Message == "" {
		t.Fatalf("got %+v", got)
	}
	if got := FormatError(errNoEngine).(BindingError); got.Key != "desktop.sync_not_running" {
		t.Fatalf("got %+v", got)
	}
}

func TestRestoreAndDisconnect(t *testing.T) {
	dir := t.TempDir()
	if err := SaveConnection(dir, Connection{Mode: ModeRemote, URL: "http://10.0.0.9:8080"}); err != nil {
		t.Fatal(err)
	}
	a := New(dir, nil, "test")
	if err := a.restore(); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.GetConnection(); c.Mode != ModeRemote || c.URL != "http://10.0.0.9:8080" {
		t.Fatalf("restored %+v", c)
	}
	if _, err := a.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if c, _ := LoadConnection(dir); c.Mode != ModeNone || a.Proxy.Target() != nil {
		t.Fatalf("after disconnect %+v", c)
	}
}
