package chatlocal

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// benchIndex is a local index of n messages over 50 conversations, one in
// 500 holding the word searched for (预算), on a real SQLite file.
func benchIndex(b *testing.B, n int) *Index {
	b.Helper()
	ctx := context.Background()
	ix, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	convs := make([]Conversation, 50)
	for i := range convs {
		convs[i] = Conversation{ID: fmt.Sprintf("c%02d", i), Kind: "project", Title: fmt.Sprintf("项目组%d", i), LastSeq: int64(n)}
	}
	if err := ix.Retain(ctx, convs); err != nil {
		b.Fatal(err)
	}
	texts := []string{"明天上午九点开周会", "客户那边已经回复了邮件", "午饭一起去食堂吗", "这个需求下周再排期", "合同扫描件发群里了"}
	day := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for c := range convs {
		per := n / len(convs)
		ms := make([]Message, 0, per)
		for i := 0; i < per; i++ {
			k := c*per + i
			body := texts[k%len(texts)]
			if k%500 == 0 {
				body = "第三季度的预算需要再核一下"
			}
			ms = append(ms, Message{ID: fmt.Sprintf("m%07d", k), ConversationID: convs[c].ID, Seq: int64(i + 1), SenderID: "u1",
				SenderName: "张伟", Body: body, CreatedAt: day.Add(time.Duration(k) * time.Second)})
		}
		if err := ix.Put(ctx, convs[c].ID, ms, int64(per)); err != nil {
			b.Fatal(err)
		}
	}
	return ix
}

// BenchmarkLocalSearch: the chat search box's query on the desktop's index
// (50 newest hits of a two-character word), with the reference in the same
// run: the same table scanned with LIKE, what the search costs without the
// bigram index.
func BenchmarkLocalSearch(b *testing.B) {
	ix := benchIndex(b, 100_000)
	ctx := context.Background()
	b.Run("fts-bigram", func(b *testing.B) {
		for b.Loop() {
			hs, err := ix.Search(ctx, SearchRequest{Q: "预算"})
			if err != nil || len(hs) != MaxResults {
				b.Fatalf("%d hits, %v", len(hs), err)
			}
		}
	})
	b.Run("reference-like-scan", func(b *testing.B) {
		for b.Loop() {
			var ids []string
			if err := ix.db.Raw(`SELECT id FROM chatlocal_messages WHERE body LIKE ? ORDER BY created_at DESC LIMIT ?`, "%预算%", MaxResults).
				Scan(&ids).Error; err != nil || len(ids) != MaxResults {
				b.Fatalf("%d hits, %v", len(ids), err)
			}
		}
	})
}
