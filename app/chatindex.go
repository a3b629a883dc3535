package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tack/backend/chatlocal"
	"tack/backend/event"
)

// chatServer is the server in use as the desktop reaches it: the Proxy, with
// the window's session.
type chatServer interface {
	Doer
	Target() *url.URL
}

// ChatIndex keeps the desktop's local chat index (backend/chatlocal) filled
// with the signed-in user's conversations, fetched with the window's own
// session, so that chat search works when the server cannot be reached. The
// Watcher kicks it when the event stream connects and on every chat event;
// each pass lists the user's conversations (dropping the ones they left) and
// fetches what is new in each by sequence. The index is one file per server
// and user under Dir; the last one used for a server is remembered, so a
// window restarted while the server is down still searches it. Signing out
// (the server answers 401) closes it and forgets it.
type ChatIndex struct {
	Server chatServer
	Dir    string // <config dir>/chat

	mu     sync.Mutex
	ix     *chatlocal.Index
	name   string // the open index's directory name under Dir
	server string // the server it belongs to
	kick   chan struct{}
	once   sync.Once
	// recheck: the next pass also re-reads each conversation's newest
	// messages (set when the stream (re)connects: recalls and edits made
	// while it was down came as events this client never saw).
	recheck atomic.Bool
}

func (c *ChatIndex) kicks() chan struct{} {
	c.once.Do(func() { c.kick = make(chan struct{}, 1) })
	return c.kick
}

// Kick asks for a pass soon; kicks during a pass make one more.
func (c *ChatIndex) Kick() {
	select {
	case c.kicks() <- struct{}{}:
	default:
	}
}

// Reconnected asks for a pass that also re-reads the newest messages of
// each conversation.
func (c *ChatIndex) Reconnected() {
	c.recheck.Store(true)
	c.Kick()
}

// Run makes the passes until ctx ends, then closes the index.
func (c *ChatIndex) Run(ctx context.Context) {
	defer c.close()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kicks():
			if err := c.Sync(ctx); err != nil && ctx.Err() == nil {
				slog.Info("desktop: chat index", "err", err)
			}
		}
	}
}

// Event applies a chat event from the stream: an edit or a recall at once
// (the event carries the new text; a recalled message leaves the index), the
// user's removal from a conversation at once (nothing of it stays
// searchable), anything else by a pass.
func (c *ChatIndex) Event(ctx context.Context, ev streamEvent) {
	switch ev.Type {
	case event.ChatMessage:
		m, err := event.Decode[event.Message](ev.Data)
		if err == nil && (m.Action == "edited" || m.Action == "recalled") {
			if ix := c.open(); ix != nil {
				_ = ix.Change(ctx, m.MessageID, m.Body, m.Action == "recalled")
			}
		}
	case event.ChatConversation:
		d, err := event.Decode[event.Conversation](ev.Data)
		if err == nil && d.Change == "removed" {
			if ix := c.open(); ix != nil {
				_ = ix.Drop(ctx, d.ConversationID)
			}
		}
	default:
		return
	}
	c.Kick()
}

// Search searches the local index (the last one used for this server when
// the window has not reached the server since it started).
func (c *ChatIndex) Search(ctx context.Context, req chatlocal.SearchRequest) ([]chatlocal.Hit, error) {
	ix := c.open()
	if ix == nil {
		return nil, errNoChatIndex
	}
	return ix.Search(ctx, req)
}

// Has says whether there is an index to search for the server in use (the
// offline page offers chat search only then).
func (c *ChatIndex) Has() bool { return c.open() != nil }

// open returns the open index, else opens the one last used for the server in use.
func (c *ChatIndex) open() *chatlocal.Index {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.Server.Target()
	if t == nil {
		return nil
	}
	if c.ix != nil && c.server == t.String() {
		return c.ix
	}
	c.closeLocked() // another server's
	var last lastChatIndex
	if readJSONFile(c.Dir, c.marker(t), &last) != nil {
		return nil
	}
	name := last.Index
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil
	}
	ix, err := chatlocal.Open(context.Background(), filepath.Join(c.Dir, name))
	if err != nil {
		slog.Error("desktop: open chat index", "err", err)
		return nil
	}
	c.ix, c.name, c.server = ix, name, t.String()
	return ix
}

// lastChatIndex is the marker file of a server: its index last used.
type lastChatIndex struct {
	Index string `json:"index"`
}

// marker is the name of the file naming the index last used for server t.
func (c *ChatIndex) marker(t *url.URL) string {
	return "last-" + shortHash(t.String()) + ".json"
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

func (c *ChatIndex) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
}

func (c *ChatIndex) closeLocked() {
	if c.ix != nil {
		_ = c.ix.Close()
		c.ix, c.name, c.server = nil, "", ""
	}
}

// use opens the index of user on server t (closing another one) and
// remembers it as the server's last.
func (c *ChatIndex) use(t *url.URL, user string) (*chatlocal.Index, error) {
	name := shortHash(t.String() + "\x00" + user)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix != nil && c.name == name && c.server == t.String() {
		return c.ix, nil
	}
	c.closeLocked()
	ix, err := chatlocal.Open(context.Background(), filepath.Join(c.Dir, name))
	if err != nil {
		return nil, err
	}
	c.ix, c.name, c.server = ix, name, t.String()
	if err := writeJSONFile(c.Dir, c.marker(t), lastChatIndex{Index: name}); err != nil {
		slog.Warn("desktop: remember chat index", "err", err)
	}
	return ix, nil
}

// signedOut closes the index and forgets it for the server: a signed-out
// window searches nothing.
func (c *ChatIndex) signedOut(t *url.URL) {
	c.close()
	_ = os.Remove(filepath.Join(c.Dir, c.marker(t)))
}

// conversationsPage and messagesPage are the parts of the chat API the index needs.
type conversationsPage struct {
	Items []struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		Title   string `json:"title"`
		LastSeq int64  `json:"last_seq"`
	} `json:"items"`
}

type messagesPage struct {
	Items []struct {
		ID             string     `json:"id"`
		ConversationID string     `json:"conversation_id"`
		Seq            int64      `json:"seq"`
		SenderID       string     `json:"sender_id"`
		SenderName     string     `json:"sender_name"`
		Kind           string     `json:"kind"`
		Body           string     `json:"body"`
		RecalledAt     *time.Time `json:"recalled_at"`
		CreatedAt      time.Time  `json:"created_at"`
	} `json:"items"`
	More bool `json:"more"`
}

func (p messagesPage) local() []chatlocal.Message {
	out := make([]chatlocal.Message, 0, len(p.Items))
	for _, m := range p.Items {
		out = append(out, chatlocal.Message{ID: m.ID, ConversationID: m.ConversationID, Seq: m.Seq, SenderID: m.SenderID,
			SenderName: m.SenderName, Body: m.Body, CreatedAt: m.CreatedAt, Recalled: m.RecalledAt != nil})
	}
	return out
}

// fetchPage is how many messages one request asks for (the API's maximum).
const fetchPage = 200

// Sync makes one pass: who is signed in, their conversations, what is new in
// each. An unreachable server leaves the index as it is.
func (c *ChatIndex) Sync(ctx context.Context) error {
	t := c.Server.Target()
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	resp, err := c.Server.Do(ctx, http.MethodGet, "/api/v1/me")
	if err != nil {
		return err
	}
	var who me
	status := resp.StatusCode
	if status == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&who)
	}
	resp.Body.Close()
	switch {
	case status == http.StatusUnauthorized:
		c.signedOut(t)
		return nil
	case status != http.StatusOK || err != nil || who.ID == "":
		return fmt.Errorf("app: chat index: me: status %d", status)
	}
	ix, err := c.use(t, who.ID)
	if err != nil {
		return err
	}
	var convs conversationsPage
	if !getJSON(ctx, c.Server, "/api/v1/chat/conversations", &convs) {
		return errors.New("app: chat index: conversations unreadable")
	}
	list := make([]chatlocal.Conversation, 0, len(convs.Items))
	for _, cv := range convs.Items {
		list = append(list, chatlocal.Conversation{ID: cv.ID, Kind: cv.Kind, Title: cv.Title, LastSeq: cv.LastSeq})
	}
	if err := ix.Retain(ctx, list); err != nil {
		return err
	}
	held, err := ix.Conversations(ctx)
	if err != nil {
		return err
	}
	recheck := c.recheck.Swap(false)
	for _, cv := range held {
		if recheck && cv.SyncedSeq > 0 {
			if err := c.refresh(ctx, ix, cv); err != nil {
				c.recheck.Store(true)
				return err
			}
		}
		if err := c.fetch(ctx, ix, cv); err != nil {
			return err
		}
	}
	return nil
}

// recheckPage is how many of a conversation's newest messages a reconnect
// re-reads: recall is possible for 24 hours (by admins, any time), edits for
// 15 minutes; a recall further back than this page stays searchable here
// until the message is fetched again.
const recheckPage = 100

// refresh re-reads the newest messages the index holds of cv: a recall
// removes the text, an edit replaces it.
func (c *ChatIndex) refresh(ctx context.Context, ix *chatlocal.Index, cv chatlocal.Conversation) error {
	var page messagesPage
	path := fmt.Sprintf("/api/v1/chat/conversations/%s/messages?before=%d&limit=%d", url.PathEscape(cv.ID), cv.SyncedSeq+1, recheckPage)
	if !getJSON(ctx, c.Server, path, &page) {
		return fmt.Errorf("app: chat index: messages of %s unreadable", cv.ID)
	}
	return ix.Put(ctx, cv.ID, page.local(), 0)
}

// fetch reads a conversation's messages after the ones the index has, by
// sequence: nothing missed, nothing twice.
func (c *ChatIndex) fetch(ctx context.Context, ix *chatlocal.Index, cv chatlocal.Conversation) error {
	from := cv.SyncedSeq
	for from < cv.LastSeq {
		var page messagesPage
		path := fmt.Sprintf("/api/v1/chat/conversations/%s/messages?after=%d&limit=%d", url.PathEscape(cv.ID), from, fetchPage)
		if !getJSON(ctx, c.Server, path, &page) {
			return fmt.Errorf("app: chat index: messages of %s unreadable", cv.ID)
		}
		upTo := from
		for _, m := range page.Items {
			upTo = max(upTo, m.Seq)
		}
		if len(page.Items) == 0 {
			upTo = cv.LastSeq // nothing more there (retention removed them)
		}
		if err := ix.Put(ctx, cv.ID, page.local(), upTo); err != nil {
			return err
		}
		if !page.More && len(page.Items) > 0 && upTo < cv.LastSeq {
			upTo = cv.LastSeq
			if err := ix.Put(ctx, cv.ID, nil, upTo); err != nil {
				return err
			}
		}
		from = upTo
	}
	return nil
}
