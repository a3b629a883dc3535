package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tack/backend/chatlocal"
	"tack/backend/server/servertest"
)

// The desktop's local chat index, filled from a real server with the
// window's session: only the signed-in user's conversations, a two-character
// Chinese word found, live messages, edits and recalls followed, a
// conversation the user is removed from dropped (live, and by a pass after
// the desktop was away), and search answering with the server stopped — in
// the running client and in one restarted while the server is down.
func TestChatIndexFollowsTheUser(t *testing.T) {
	env := servertest.New(t)
	env.Clock.Set(time.Now()) // the proxy's cookie jar expires by the wall clock
	adminTok, admin := env.Setup()
	root := env.RootDepartment(adminTok)
	bob, bobTok := env.NewUser(adminTok, root.ID)
	carol, _ := env.NewUser(adminTok, root.ID)

	type view struct {
		ID string `json:"id"`
	}
	group := func(name string, members ...string) string {
		var v view
		env.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", bobTok,
			map[string]any{"kind": "temporary", "name": name, "member_ids": members}).JSON(t, &v)
		return v.ID
	}
	send := func(conv, body string) string {
		env.Clock.Advance(time.Second) // each message newer than the last
		var v view
		env.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+conv+"/messages", bobTok,
			map[string]any{"body": body}).JSON(t, &v)
		return v.ID
	}
	budget := group("预算小组", admin.ID, carol.ID)
	first := send(budget, "明天下午讨论预算方案")
	send(budget, "先看一下上个月的报销")
	secret := group("人事小组", carol.ID) // the admin is not in it
	send(secret, "预算保密名单")
	leaving := group("临时讨论", admin.ID)
	send(leaving, "临时群里的预算草稿")
	away := group("出差群", admin.ID)
	send(away, "出差预算表")

	// The window signs in as the admin through the proxy.
	p := proxyTo(t, env.HTTP.URL)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	signIn(t, front.URL)

	// The event dispatcher feeds the live streams (the server's jobs).
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); env.Server.RunJobs(jobsCtx) }()
	t.Cleanup(func() { stopJobs(); <-jobsDone })

	dir := filepath.Join(t.TempDir(), "chat")
	ix := &ChatIndex{Server: p, Dir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	idxDone := make(chan struct{})
	go func() { defer close(idxDone); ix.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-idxDone })
	wctx, stopWatcher := context.WithCancel(ctx)
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		(&Watcher{Server: p, ChatIndex: ix, MaxWait: 200 * time.Millisecond}).Run(wctx)
	}()
	t.Cleanup(func() { stopWatcher(); <-watchDone })

	found := func(q string) []string {
		hs, err := ix.Search(context.Background(), chatlocal.SearchRequest{Q: q})
		if err != nil {
			return []string{"error: " + err.Error()}
		}
		out := []string{}
		for _, h := range hs {
			out = append(out, h.ConversationTitle+"|"+h.Body)
		}
		return out
	}
	is := func(got []string, want ...string) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	waitFor := func(q string, want ...string) {
		t.Helper()
		var last []string
		deadline := time.Now().Add(20 * time.Second)
		for last = found(q); !is(last, want...); last = found(q) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: got %q, want %q", q, last, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Filled when the stream connects: the user's conversations only.
	waitFor("预算", "出差群|出差预算表", "临时讨论|临时群里的预算草稿", "预算小组|明天下午讨论预算方案")
	if got := found("保密"); len(got) != 0 {
		t.Fatalf("a conversation the user is not in was indexed: %q", got)
	}
	waitFor("报销", "预算小组|先看一下上个月的报销")

	// Live: a new message, an edit, a recall.
	moved := send(budget, "会议室改到三楼")
	waitFor("三楼", "预算小组|会议室改到三楼")
	env.Must(http.StatusOK, "PATCH", "/api/v1/chat/messages/"+moved, bobTok, map[string]any{"body": "会议室改到五楼"})
	waitFor("五楼", "预算小组|会议室改到五楼")
	waitFor("三楼")
	env.Must(http.StatusOK, "POST", "/api/v1/chat/messages/"+first+"/recall", bobTok, nil)
	waitFor("讨论")

	// Removed from a group while the client follows: it leaves the index.
	env.Must(http.StatusNoContent, "DELETE", "/api/v1/chat/conversations/"+leaving+"/members/"+admin.ID, bobTok, nil)
	waitFor("预算", "出差群|出差预算表")

	// While the client was away (no stream): removed from a group, a new
	// message, a message recalled. The pass on reconnecting drops the group,
	// fetches the new one and re-reads the newest, finding the recall.
	stopWatcher()
	<-watchDone
	env.Must(http.StatusNoContent, "DELETE", "/api/v1/chat/conversations/"+away+"/members/"+admin.ID, bobTok, nil)
	send(budget, "预算周五前定稿")
	send(budget, "三楼会议室的钥匙在前台")
	env.Must(http.StatusOK, "POST", "/api/v1/chat/messages/"+moved+"/recall", bobTok, nil)
	if got := found("五楼"); !is(got, "预算小组|会议室改到五楼") {
		t.Fatalf("before reconnecting: %q", got)
	}
	ix.Reconnected()
	waitFor("预算", "预算小组|预算周五前定稿")
	waitFor("钥匙", "预算小组|三楼会议室的钥匙在前台")
	waitFor("五楼")

	// The server stops: search still answers, from this file.
	env.HTTP.Close()
	if err := ix.Sync(context.Background()); err == nil {
		t.Fatal("a pass with the server stopped reported no error")
	}
	if got := found("定稿"); !is(got, "预算小组|预算周五前定稿") {
		t.Fatalf("server stopped: %q", got)
	}
	// A client restarted while the server is down finds the same index.
	restarted := &ChatIndex{Server: p, Dir: dir}
	defer restarted.close()
	hs, err := restarted.Search(context.Background(), chatlocal.SearchRequest{Q: "钥匙"})
	if err != nil || len(hs) != 1 || hs[0].Body != "三楼会议室的钥匙在前台" || hs[0].SenderName != bob.Name {
		t.Fatalf("restarted: %+v %v", hs, err)
	}
	// The binding the search box calls answers the same, and a window with
	// nothing indexed gets the translated error.
	a := &App{ChatIndex: restarted}
	if hs, err := a.SearchChatOffline(chatlocal.SearchRequest{Q: "定稿"}); err != nil || len(hs) != 1 || hs[0].ConversationTitle != "预算小组" {
		t.Fatalf("binding: %+v %v", hs, err)
	}
	if has, _ := a.HasChatIndex(); !has {
		t.Fatal("HasChatIndex: false with an index for the server")
	}
	empty := &App{ChatIndex: &ChatIndex{Server: proxyTo(t, "http://127.0.0.1:1"), Dir: t.TempDir()}}
	if has, _ := empty.HasChatIndex(); has {
		t.Fatal("HasChatIndex: true with nothing indexed")
	}
	if _, err := empty.SearchChatOffline(chatlocal.SearchRequest{Q: "定稿"}); FormatError(err).(BindingError).Key != "desktop.no_chat_index" {
		t.Fatalf("binding without an index: %v", err)
	}
	// Another server's window has nothing to search.
	other := &ChatIndex{Server: proxyTo(t, "http://127.0.0.1:1"), Dir: dir}
	if _, err := other.Search(context.Background(), chatlocal.SearchRequest{Q: "钥匙"}); !errors.Is(err, errNoChatIndex) {
		t.Fatalf("other server: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}

// Signing out closes the index and forgets it: a signed-out window searches nothing.
func TestChatIndexForgetsOnSignOut(t *testing.T) {
	env := servertest.New(t)
	env.Clock.Set(time.Now())
	env.Setup()
	p := proxyTo(t, env.HTTP.URL)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	signIn(t, front.URL)
	ix := &ChatIndex{Server: p, Dir: t.TempDir()}
	defer ix.close()
	if err := ix.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), chatlocal.SearchRequest{Q: "全员"}); err != nil {
		t.Fatalf("signed in: %v", err)
	}
	req, _ := http.NewRequest("POST", front.URL+"/api/v1/auth/logout", nil)
	req.Header.Set("X-Tack-Request", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := ix.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), chatlocal.SearchRequest{Q: "全员"}); !errors.Is(err, errNoChatIndex) {
		t.Fatalf("signed out: %v", err)
	}
	if ix.Has() {
		t.Fatal("signed out: Has still true (the offline page would offer search)")
	}
	if _, err := (&ChatIndex{Server: p, Dir: ix.Dir}).Search(context.Background(), chatlocal.SearchRequest{Q: "全员"}); !errors.Is(err, errNoChatIndex) {
		t.Fatalf("restarted after sign-out: %v", err)
	}
}
