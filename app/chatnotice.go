package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"tack/backend/event"
)

// chatPrefs is what chat notifications need of the account: who is signed
// in and which conversations they muted. The Watcher loads it when the
// stream connects and again when one of their conversations changes
// (chat.conversation: muted, joined, left).
type chatPrefs struct {
	mu    sync.Mutex
	me    string
	muted map[string]bool
}

func (c *chatPrefs) get(convID string) (me string, muted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.me, c.muted[convID]
}

// load reads /api/v1/me and the conversation list; on failure it keeps what
// it had.
func (c *chatPrefs) load(ctx context.Context, d Doer) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var m me
	var convs struct {
		Items []struct {
			ID    string `json:"id"`
			Muted bool   `json:"muted"`
		} `json:"items"`
	}
	if !getJSON(ctx, d, "/api/v1/me", &m) || !getJSON(ctx, d, "/api/v1/chat/conversations", &convs) {
		return
	}
	muted := map[string]bool{}
	for _, it := range convs.Items {
		if it.Muted {
			muted[it.ID] = true
		}
	}
	c.mu.Lock()
	c.me, c.muted = m.ID, muted
	c.mu.Unlock()
}

func getJSON(ctx context.Context, d Doer, path string, v any) bool {
	resp, err := d.Do(ctx, http.MethodGet, path)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(v) == nil
}

// chatNotice is the OS notification of a chat message for the reader me: a
// new message from someone else in a direct chat, or one that mentions them
// (by name or @all); a muted conversation raises none except a mention.
func chatNotice(lang, me string, muted bool, ev streamEvent) (title, body string, ok bool) {
	m, err := event.Decode[event.Message](ev.Data)
	if err != nil || m.Action != "new" || me == "" || m.SenderID == me {
		return "", "", false
	}
	mentioned := m.MentionAll || slices.Contains(m.Mentions, me)
	switch {
	case mentioned:
		title = tr(lang, "notice.chat.mention", m.SenderName, m.Title)
	case m.Direct && !muted:
		title = tr(lang, "notice.chat.direct", m.SenderName)
	default:
		return "", "", false
	}
	body = m.Body
	if r := []rune(body); len(r) > 120 {
		body = string(r[:120]) + "…"
	}
	return title, body, true
}

// trayUnread is the tray's tooltip and title for n unread notifications and
// chat unread chat messages (muted conversations left out by the server).
func trayUnread(lang string, n, chat int) (tooltip, title string) {
	if chat == 0 {
		return tr(lang, "tray.unread", n), fmt.Sprintf("Tack (%d)", n)
	}
	return tr(lang, "tray.unread_chat", n, chat), fmt.Sprintf("Tack (%d)", n+chat)
}
