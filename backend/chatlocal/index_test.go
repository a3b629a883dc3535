package chatlocal

import (
	"context"
	"testing"
	"time"
)

func bodies(hs []Hit) []string {
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.Body)
	}
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: got %q, want %q", what, got, want)
		}
	}
}

// The index on a real SQLite file: only held conversations take messages,
// a two-character Chinese word is found newest first with the filters, an
// edit is re-indexed, a recall and a left conversation leave nothing behind,
// and the file keeps it all across a reopen.
func TestLocalIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	search := func(req SearchRequest) []string {
		t.Helper()
		hs, err := ix.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return bodies(hs)
	}
	if err := ix.Retain(ctx, []Conversation{{ID: "c1", Kind: "project", Title: "预算项目组", LastSeq: 3}, {ID: "c2", Kind: "direct", Title: "李娜", LastSeq: 1}}); err != nil {
		t.Fatal(err)
	}
	put := func(conv string, upTo int64, ms ...Message) {
		t.Helper()
		if err := ix.Put(ctx, conv, ms, upTo); err != nil {
			t.Fatal(err)
		}
	}
	put("c1", 3,
		Message{ID: "m1", ConversationID: "c1", Seq: 1, SenderID: "u1", SenderName: "张伟", Body: "明天下午讨论预算方案", CreatedAt: day},
		Message{ID: "m2", ConversationID: "c1", Seq: 2, SenderID: "u2", SenderName: "李娜", Body: "预算已经批了", CreatedAt: day.Add(24 * time.Hour)},
		Message{ID: "m3", ConversationID: "c1", Seq: 3, SenderID: "u2", SenderName: "李娜", Body: "午饭吃什么", CreatedAt: day.Add(25 * time.Hour)})
	// Written last but the oldest: results go by the message's time.
	put("c2", 1, Message{ID: "d1", ConversationID: "c2", Seq: 1, SenderID: "u2", SenderName: "李娜", Body: "预算表发你了 budget-v2", CreatedAt: day.Add(-time.Hour)})
	// A conversation the index does not hold takes nothing.
	put("c9", 1, Message{ID: "x1", ConversationID: "c9", Seq: 1, SenderID: "u3", Body: "别人的预算", CreatedAt: day})

	same(t, "预算", search(SearchRequest{Q: "预算"}), []string{"预算已经批了", "明天下午讨论预算方案", "预算表发你了 budget-v2"})
	same(t, "a phrase", search(SearchRequest{Q: "讨论预算"}), []string{"明天下午讨论预算方案"})
	same(t, "a Latin prefix", search(SearchRequest{Q: "budg"}), []string{"预算表发你了 budget-v2"})
	same(t, "one conversation", search(SearchRequest{Q: "预算", ConversationID: "c2"}), []string{"预算表发你了 budget-v2"})
	same(t, "one sender", search(SearchRequest{Q: "预算", SenderID: "u1"}), []string{"明天下午讨论预算方案"})
	same(t, "a day", search(SearchRequest{Q: "预算", From: day, To: day.Add(24 * time.Hour)}), []string{"明天下午讨论预算方案"})
	same(t, "nothing to search", search(SearchRequest{Q: " ，。 "}), []string{})
	hs, _ := ix.Search(ctx, SearchRequest{Q: "批了"})
	if len(hs) != 1 || hs[0].ConversationTitle != "预算项目组" || hs[0].Seq != 2 || hs[0].SenderName != "李娜" {
		t.Fatalf("hit: %+v", hs)
	}

	// Edit and recall, as the stream tells them.
	if err := ix.Change(ctx, "m3", "午饭后再看预算", false); err != nil {
		t.Fatal(err)
	}
	if err := ix.Change(ctx, "m2", "", true); err != nil {
		t.Fatal(err)
	}
	same(t, "after edit and recall", search(SearchRequest{Q: "预算"}), []string{"午饭后再看预算", "明天下午讨论预算方案", "预算表发你了 budget-v2"})
	same(t, "the old text", search(SearchRequest{Q: "吃什么"}), []string{})
	// A recall that arrives again (a reconnect's catch-up) stays a recall.
	put("c1", 3, Message{ID: "m2", ConversationID: "c1", Seq: 2, Recalled: true, CreatedAt: day})
	same(t, "recall again", search(SearchRequest{Q: "批了"}), []string{})

	// Reopened: everything is in the file.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(ctx, dir); err != nil {
		t.Fatal(err)
	}
	cs, err := ix.Conversations(ctx)
	if err != nil || len(cs) != 2 || cs[0].SyncedSeq != 3 || cs[1].SyncedSeq != 1 {
		t.Fatalf("conversations after reopen: %+v %v", cs, err)
	}
	// The server lists c2 only now (the user left c1): c1 leaves with its
	// messages and their search documents. c2 keeps how far it was fetched.
	if err := ix.Retain(ctx, []Conversation{{ID: "c2", Kind: "direct", Title: "李娜", LastSeq: 2}}); err != nil {
		t.Fatal(err)
	}
	same(t, "after leaving c1", search(SearchRequest{Q: "预算"}), []string{"预算表发你了 budget-v2"})
	var docs, msgs int64
	ix.db.Table("chatlocal_message_fts_doc").Count(&docs)
	ix.db.Table("chatlocal_messages").Count(&msgs)
	if docs != 1 || msgs != 1 {
		t.Fatalf("left behind: %d documents, %d messages", docs, msgs)
	}
	if cs, _ = ix.Conversations(ctx); len(cs) != 1 || cs[0].SyncedSeq != 1 || cs[0].LastSeq != 2 {
		t.Fatalf("kept: %+v", cs)
	}
	// Leaving every conversation empties it.
	if err := ix.Retain(ctx, nil); err != nil {
		t.Fatal(err)
	}
	same(t, "no conversations", search(SearchRequest{Q: "预算"}), []string{})
	ix.Close()
}
