package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tack/backend/event"
)

// streamEvent is the part of an SSE event the desktop needs.
type streamEvent struct {
	ID   int64          `json:"id"`
	Type string         `json:"type"`
	Data map[string]any `json:"data"`
}

// Doer sends a request to the server in use (the Proxy, with its cookie jar).
type Doer interface {
	Do(ctx context.Context, method, path string) (*http.Response, error)
}

// Watcher follows GET /api/v1/events and raises OS notifications. When the
// stream is missing or fails (not signed in yet, server down) it retries
// quietly with backoff up to a minute, resuming from the last event id.
type Watcher struct {
	Server   Doer
	Notifier Notifier
	OnEvent  func(typ string) // e.g. refresh the tray's counts; may be nil
	// OnConnect runs each time the stream is reached (e.g. re-read the
	// account's language); may be nil.
	OnConnect func()
	Lang      func() string // language of the notifications; nil: Chinese
	MaxWait   time.Duration // backoff ceiling; default 1 minute
	// Chat, when set, raises chat notifications (chatnotice.go); nil: none.
	Chat *chatPrefs
	// ChatIndex, when set, is kept filled from the stream (chatindex.go):
	// a pass when it connects, the chat events as they come.
	ChatIndex *ChatIndex
	lastID    int64
}

// Run follows the stream until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	maxWait := w.MaxWait
	if maxWait == 0 {
		maxWait = time.Minute
	}
	wait := min(time.Second, maxWait)
	for ctx.Err() == nil {
		got, _ := w.follow(ctx)
		if got {
			wait = min(time.Second, maxWait)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if wait *= 2; wait > maxWait {
			wait = maxWait
		}
	}
}

// follow reads one connection; got reports whether the stream was reached.
func (w *Watcher) follow(ctx context.Context) (got bool, err error) {
	path := "/api/v1/events"
	if w.lastID > 0 {
		path += fmt.Sprintf("?last_event_id=%d", w.lastID)
	}
	resp, err := w.Server.Do(ctx, http.MethodGet, path)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return false, fmt.Errorf("app: events: status %d", resp.StatusCode)
	}
	if w.OnConnect != nil {
		w.OnConnect()
	}
	if w.Chat != nil {
		w.Chat.load(ctx, w.Server)
	}
	if w.ChatIndex != nil {
		w.ChatIndex.Reconnected()
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id:"):
			// The server opens each stream with an id and no data (the newest
			// event id), so a reconnect before any event still resumes there
			// instead of skipping what happened while the stream was down.
			if id, err := strconv.ParseInt(strings.TrimSpace(line[3:]), 10, 64); err == nil && id > w.lastID {
				w.lastID = id
			}
		case strings.HasPrefix(line, "data:"):
			data.WriteString(strings.TrimSpace(strings.TrimPrefix(line, "data:")))
		case line == "":
			if data.Len() > 0 {
				w.handle([]byte(data.String()))
				data.Reset()
			}
		}
	}
	return true, sc.Err()
}

func (w *Watcher) handle(b []byte) {
	var ev streamEvent
	if json.Unmarshal(b, &ev) != nil {
		return
	}
	if ev.ID > w.lastID {
		w.lastID = ev.ID
	}
	if w.OnEvent != nil {
		w.OnEvent(ev.Type)
	}
	if w.ChatIndex != nil {
		w.ChatIndex.Event(context.Background(), ev)
	}
	if w.Notifier == nil {
		return
	}
	lang := langZH
	if w.Lang != nil {
		lang = w.Lang()
	}
	title, body, ok := notice(lang, ev)
	if w.Chat != nil {
		switch ev.Type {
		case event.ChatConversation:
			go w.Chat.load(context.Background(), w.Server)
		case event.ChatMessage:
			conv, _ := ev.Data["conversation_id"].(string)
			me, muted := w.Chat.get(conv)
			title, body, ok = chatNotice(lang, me, muted, ev)
		}
	}
	if !ok {
		return
	}
	link, _ := ev.Data["link"].(string)
	if !uiRoute(link) {
		link = "" // nothing to open: the bubble gets no click action
	}
	_ = w.Notifier.Notify(title, body, link)
}
