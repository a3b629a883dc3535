package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"tack/backend/event"
)

// The desktop's punch (issue 16, 极速打卡 done desktop-side): the tray's
// 打卡 item and the optional automatic punch. Both send POST
// attendance/punches without a position, so the server decides by the
// address it sees (its trusted-proxy rules, the approved office networks);
// the desktop never claims a network itself.

// PunchPrefs are the desktop's punch settings (punch.json in the config
// dir). LastAuto is the work date of the last automatic punch, so the
// automatic punch happens at most once a work day across restarts.
type PunchPrefs struct {
	Auto     bool   `json:"auto"`
	LastAuto string `json:"last_auto,omitempty"`
}

// LoadPunchPrefs reads punch.json; a missing file is off.
func LoadPunchPrefs(dir string) (PunchPrefs, error) {
	var p PunchPrefs
	if err := readJSONFile(dir, "punch.json", &p); err != nil {
		return PunchPrefs{}, err
	}
	return p, nil
}

// SavePunchPrefs writes punch.json atomically.
func SavePunchPrefs(dir string, p PunchPrefs) error { return writeJSONFile(dir, "punch.json", p) }

// Sender sends a request with an optional JSON body to the server in use
// (the Proxy, as the signed-in user).
type Sender interface {
	Send(ctx context.Context, method, path string, body []byte) (*http.Response, error)
}

// PunchResult is what a punch did, for the window's binding.
type PunchResult struct {
	OK     bool   `json:"ok"`
	At     string `json:"at,omitempty"`     // RFC 3339
	Method string `json:"method,omitempty"` // network or gps
	Key    string `json:"key,omitempty"`    // the server's error key
	Title  string `json:"title"`
	Body   string `json:"body"`
}

// Puncher punches for the signed-in user and says so in an OS notification.
type Puncher struct {
	Server    Sender
	Notifier  Notifier
	Lang      func() string // nil: Chinese
	ConfigDir string
	Now       func() time.Time // nil: time.Now (tests pass a fake clock)
	mu        sync.Mutex       // one punch or check at a time
	// quiet is when the automatic punch next needs to ask the server
	// (today's answer is a write on the server: the tray's minute must not
	// ask all day): the window's start, or the next day.
	quiet time.Time
}

func (p *Puncher) lang() string {
	if p.Lang == nil {
		return langZH
	}
	return p.Lang()
}

func (p *Puncher) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// apiError is the error body of the API.
type apiError struct {
	Error struct {
		Key     string `json:"key"`
		Message string `json:"message"`
	} `json:"error"`
}

// Punch sends one network punch and notifies the result (success with the
// time, or the translated reason).
func (p *Puncher) Punch(ctx context.Context) PunchResult {
	if p == nil {
		return PunchResult{Key: "desktop.not_connected", Title: tr(langZH, "punch.failed"), Body: tr(langZH, "punch.err.not_connected")}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.punch(ctx, false)
	p.notify(r)
	return r
}

func (p *Puncher) notify(r PunchResult) {
	if p.Notifier != nil {
		_ = p.Notifier.Notify(r.Title, r.Body, "/attendance")
	}
}

// punch sends the request; auto says which words the success takes.
func (p *Puncher) punch(ctx context.Context, auto bool) PunchResult {
	lang := p.lang()
	fail := func(key, msg string) PunchResult {
		return PunchResult{Key: key, Title: tr(lang, "punch.failed"), Body: punchError(lang, key, msg)}
	}
	if p.Server == nil {
		return fail("desktop.not_connected", "")
	}
	resp, err := p.Server.Send(ctx, http.MethodPost, "/api/v1/attendance/punches", []byte(`{}`))
	if err != nil {
		if errors.Is(err, errNotConnected) {
			return fail("desktop.not_connected", "")
		}
		return fail("desktop.server_unreachable", "")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		var e apiError
		_ = json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode == http.StatusUnauthorized && e.Error.Key == "" {
			e.Error.Key = "desktop.signed_out"
		}
		return fail(e.Error.Key, e.Error.Message)
	}
	var out struct {
		Punch struct {
			At     time.Time `json:"at"`
			Method string    `json:"method"`
		} `json:"punch"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fail("", err.Error())
	}
	at := out.Punch.At.Local()
	title := tr(lang, "punch.done")
	if auto {
		title = tr(lang, "punch.auto_done")
	}
	return PunchResult{OK: true, At: out.Punch.At.Format(time.RFC3339), Method: out.Punch.Method,
		Title: title, Body: tr(lang, "punch.done.body", at.Format("15:04"))}
}

// punchErrors are the server's refusals in the shell's words.
var punchErrors = map[string]string{
	"attendance.no_office_network": "punch.err.no_office_network",
	"attendance.no_group":          "punch.err.no_group",
	"attendance.accuracy_too_poor": "punch.err.no_office_network",
	"attendance.outside_fence":     "punch.err.no_office_network",
	"desktop.not_connected":        "punch.err.not_connected",
	"desktop.server_unreachable":   "punch.err.unreachable",
	"desktop.signed_out":           "punch.err.signed_out",
	"auth.unauthenticated":         "punch.err.signed_out",
	"rate_limited":                 "punch.err.rate_limited",
}

func punchError(lang, key, msg string) string {
	if k, ok := punchErrors[key]; ok {
		return tr(lang, k)
	}
	if msg != "" {
		return msg // a refusal this client does not know yet: the server's words
	}
	return tr(lang, "punch.err.other")
}

// today is the part of GET attendance/today the automatic punch needs.
type today struct {
	Date    string `json:"date"`
	DayType string `json:"day_type"`
	Shift   *struct {
		StartMin      int `json:"start_min"`
		EarliestInMin int `json:"earliest_in_min"`
		GraceMin      int `json:"grace_min"`
	} `json:"shift"`
	Punches []json.RawMessage `json:"punches"`
}

// defaultEarly is how long before the start the automatic punch may come
// when the shift sets no earliest punch.
const defaultEarly = 2 * time.Hour

// window is the clock-in window of t's shift on this computer's clock: from
// the earliest punch before the start until the start plus the grace (the
// automatic punch never makes anyone late). The company zone is taken to be
// this computer's (the desktop is in the office when it punches by network).
func (t today) window() (from, to time.Time, ok bool) {
	if t.Shift == nil || t.DayType != "work" {
		return time.Time{}, time.Time{}, false
	}
	d, err := time.ParseInLocation("2006-01-02", t.Date, time.Local)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	start := d.Add(time.Duration(t.Shift.StartMin) * time.Minute)
	early := time.Duration(t.Shift.EarliestInMin) * time.Minute
	if early <= 0 {
		early = defaultEarly
	}
	return start.Add(-early), start.Add(time.Duration(t.Shift.GraceMin) * time.Minute), true
}

// AutoCheck is the automatic punch: when the setting is on, the day is a
// work day, nothing is punched yet and now is inside the clock-in window,
// it punches once; a success is noted in punch.json (restart-safe) and
// notified. A refusal (not on the office network yet) stays quiet, so the
// next check (the stream reconnecting, the tray's minute) tries again.
// It reports whether it punched.
func (p *Puncher) AutoCheck(ctx context.Context) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	prefs, err := LoadPunchPrefs(p.ConfigDir)
	now := p.now()
	if err != nil || !prefs.Auto || p.Server == nil || now.Before(p.quiet) {
		return false
	}
	resp, err := p.Server.Send(ctx, http.MethodGet, "/api/v1/attendance/today", nil)
	if err != nil {
		return false
	}
	var t today
	ok := resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&t) == nil
	resp.Body.Close()
	if !ok || t.Date == "" {
		return false
	}
	y, m, d := now.Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())
	from, to, inWindow := t.window()
	switch {
	case prefs.LastAuto == t.Date || len(t.Punches) > 0 || !inWindow || now.After(to):
		p.quiet = tomorrow // done, or nothing to do today
		return false
	case now.Before(from):
		p.quiet = from
		return false
	}
	r := p.punch(ctx, true)
	if !r.OK {
		return false
	}
	prefs.LastAuto = t.Date
	_ = SavePunchPrefs(p.ConfigDir, prefs)
	p.quiet = tomorrow
	p.notify(r)
	return true
}

// Send is Do with a JSON body (nil: none).
func (p *Proxy) Send(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	p.mu.RLock()
	target, client := p.target, p.client
	p.mu.RUnlock()
	if target == nil {
		return nil, errNotConnected
	}
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(target.String(), "/")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Tack-Request", "1")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return client.Do(req)
}

// attendanceNotice is the OS notification of an attendance event: the
// field punch waiting for the head's review, the head's decision on it, and the punch reminder the
// days job sends before and after a shift (attendance.reminder).
func attendanceNotice(lang string, ev streamEvent) (title, body string, ok bool) {
	switch ev.Type {
	case event.AttendanceFieldPunch:
		a, _ := event.Decode[event.AttendancePunch](ev.Data)
		body = a.Title
		if a.Note != "" {
			body = fmt.Sprintf("%s · %s", a.Title, a.Note)
		}
		return tr(lang, "notice.field_punch"), body, true
	case event.AttendanceFieldReviewed:
		// The head's decision on the employee's own field punch.
		r, _ := event.Decode[event.AttendanceFieldReview](ev.Data)
		key := "notice.field_rejected"
		if r.Outcome == "approved" {
			key = "notice.field_approved"
		}
		body = r.Title
		if r.Reason != "" {
			body = fmt.Sprintf("%s · %s", r.Title, r.Reason)
		}
		return tr(lang, key), body, true
	case event.AttendanceReminder:
		// attendance.reminder (att2): title is the shift's name, kind in|out,
		// at the shift's start or end.
		title, _ := ev.Data["title"].(string)
		kind, _ := ev.Data["kind"].(string)
		at, _ := ev.Data["at"].(string)
		body = tr(lang, "notice.punch_reminder.body")
		if t, err := time.Parse(time.RFC3339, at); err == nil && (kind == "in" || kind == "out") {
			body = tr(lang, "notice.punch_reminder."+kind, t.Local().Format("15:04"))
		}
		if title != "" {
			body += " · " + title
		}
		return tr(lang, "notice.punch_reminder"), body, true
	}
	return "", "", false
}

func (a *App) setAutoPunch(on bool) (bool, error) {
	p, err := LoadPunchPrefs(a.ConfigDir)
	if err != nil {
		return false, err
	}
	p.Auto = on
	if err := SavePunchPrefs(a.ConfigDir, p); err != nil {
		return false, err
	}
	if on && a.Punch != nil {
		a.Punch.mu.Lock()
		a.Punch.quiet = time.Time{}
		a.Punch.mu.Unlock()
		go a.Punch.AutoCheck(a.context())
	}
	return on, nil
}
