package faulttest

import (
	"bufio"
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
)

// client is one person talking to the balancer as the UI does: a bearer
// token, JSON bodies, and a retry of requests that failed for the
// infrastructure's sake (connection refused or reset, 502/503 from the
// balancer while a replica dies) — never of a request the server refused.
type client struct {
	base  string
	token string
	hc    *http.Client
}

// errGone is an answer that may or may not have taken effect (the
// connection broke after the request was sent): the caller must not assume
// either.
var errGone = errors.New("no answer")

// transient reports whether status is the balancer's or a dying replica's.
func transient(status int) bool { return status == 502 || status == 503 || status == 504 }

// do sends one request; idempotent requests are retried for up to 60 s.
func (c *client) do(ctx context.Context, method, path string, body []byte, ctype string, idempotent bool) (int, []byte, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, b, err := c.once(ctx, method, path, body, ctype)
		retry := err != nil || transient(st)
		if !retry || ctx.Err() != nil {
			return st, b, err
		}
		if !idempotent {
			if err != nil {
				return 0, nil, errGone
			}
			if st != 503 { // 503 from the balancer: no replica took it, nothing happened
				return 0, nil, errGone
			}
		}
		if time.Now().After(deadline) {
			return st, b, fmt.Errorf("%s %s: still failing after 60 s: %v (HTTP %d)", method, path, err, st)
		}
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *client) once(ctx context.Context, method, path string, body []byte, ctype string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Tack-Request", "1")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// json sends v as JSON and decodes a 2xx answer into out (nil: ignored).
func (c *client) json(ctx context.Context, method, path string, v, out any, idempotent bool) (int, error) {
	var body []byte
	if v != nil {
		body, _ = json.Marshal(v)
	}
	st, b, err := c.do(ctx, method, path, body, "application/json", idempotent)
	if err != nil {
		return st, err
	}
	if st/100 != 2 {
		return st, fmt.Errorf("%s %s: HTTP %d: %.300s", method, path, st, b)
	}
	if out != nil {
		return st, json.Unmarshal(b, out)
	}
	return st, nil
}

// follower follows one person's event stream through the balancer and
// reconnects with Last-Event-ID whenever it breaks, as the browser does.
type follower struct {
	c       *client
	mu      sync.Mutex
	seen    map[string]map[string]bool // event type → subject IDs
	breaks  int
	connect chan struct{} // closed at the first connection
}

func newFollower(c *client) *follower {
	return &follower{c: c, seen: map[string]map[string]bool{}, connect: make(chan struct{})}
}

func (f *follower) has(typ, subject string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[typ][subject]
}

func (f *follower) run(ctx context.Context) {
	last := ""
	first := true
	for ctx.Err() == nil {
		last = f.stream(ctx, last, &first)
		if ctx.Err() != nil {
			return
		}
		f.mu.Lock()
		f.breaks++
		f.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// stream reads one connection until it breaks; it returns the last event ID.
func (f *follower) stream(ctx context.Context, last string, first *bool) string {
	req, _ := http.NewRequestWithContext(ctx, "GET", f.c.base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.c.token)
	if last != "" {
		req.Header.Set("Last-Event-ID", last)
	}
	resp, err := streamClient.Do(req)
	if err != nil {
		return last
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return last
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var typ string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			last = strings.TrimPrefix(line, "id: ")
			if *first {
				*first = false
				close(f.connect)
			}
		case strings.HasPrefix(line, "event: "):
			typ = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			var ev struct {
				SubjectID string `json:"subject_id"`
				Data      struct {
					MessageID string `json:"message_id"`
				} `json:"data"`
			}
			_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev)
			key := ev.SubjectID
			if typ == "chat.message" {
				key = ev.Data.MessageID // the subject is the conversation
			}
			f.mu.Lock()
			if f.seen[typ] == nil {
				f.seen[typ] = map[string]bool{}
			}
			f.seen[typ][key] = true
			f.mu.Unlock()
		}
	}
	return last
}

// streamClient has no overall timeout: a stream stays open.
var streamClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
