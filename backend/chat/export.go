package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/store"
)

// Export formats.
const (
	ExportJSON = "json"
	ExportXLSX = "xlsx"
)

var (
	errExportForbidden = apperr.Forbidden("chat.export_forbidden", "only administrators export conversations")
	errExportFormat    = apperr.Invalid("chat.invalid_export", "choose json or xlsx").WithField("format", "invalid")
)

// Export is one conversation exported for the company's records.
type Export struct {
	Name        string // file name
	ContentType string
	Body        []byte
}

// ExportedMessage is one message in a JSON export.
type ExportedMessage struct {
	Seq        int64      `json:"seq"`
	SenderID   string     `json:"sender_id"`
	SenderName string     `json:"sender_name"`
	CreatedAt  time.Time  `json:"created_at"`
	Kind       string     `json:"kind"`
	Body       string     `json:"body"`
	File       *FileRef   `json:"file,omitempty"`
	ReplyToID  string     `json:"reply_to_id,omitempty"`
	EditedAt   *time.Time `json:"edited_at,omitempty"`
	RecalledAt *time.Time `json:"recalled_at,omitempty"`
}

// ExportDocument is the JSON export.
type ExportDocument struct {
	Conversation Conversation      `json:"conversation"`
	Members      []Person          `json:"members"`
	ExportedAt   time.Time         `json:"exported_at"`
	ExportedBy   string            `json:"exported_by"`
	Messages     []ExportedMessage `json:"messages"`
}

// ExportConversation exports every message of a conversation, for the
// company's records: administrators only, whether or not they are members,
// and each export is written to the audit log (who, which conversation,
// how many messages). Anyone else gets 403 if a member, else 404.
func (s *Service) ExportConversation(ctx context.Context, a identity.Actor, id, format string) (Export, error) {
	db := s.db.WithContext(ctx)
	if !a.IsAdmin() {
		if _, _, err := membership(db, id, a.UserID); err != nil {
			return Export{}, err
		}
		return Export{}, errExportForbidden
	}
	if format == "" {
		format = ExportJSON
	}
	if format != ExportJSON && format != ExportXLSX {
		return Export{}, errExportFormat
	}
	c, err := loadConv(db, id)
	if err != nil {
		return Export{}, err
	}
	doc, err := s.exportDocument(db, a, c)
	if err != nil {
		return Export{}, err
	}
	var out Export
	stamp := doc.ExportedAt.Format("20060102-150405")
	switch format {
	case ExportJSON:
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return Export{}, fmt.Errorf("chat: export json: %w", err)
		}
		out = Export{Name: "chat-" + c.ID + "-" + stamp + ".json", ContentType: "application/json", Body: b}
	case ExportXLSX:
		b, err := exportXLSX(doc)
		if err != nil {
			return Export{}, err
		}
		out = Export{Name: "chat-" + c.ID + "-" + stamp + ".xlsx",
			ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Body: b}
	}
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		return audit.Record(tx, audit.Entry{ActorID: a.UserID, Action: "chat.export", TargetType: "chat_conversation", TargetID: c.ID,
			Detail:    map[string]any{"format": format, "messages": len(doc.Messages), "name": c.Name, "kind": c.Kind},
			CreatedAt: doc.ExportedAt})
	})
	if err != nil {
		return Export{}, err
	}
	return out, nil
}

func (s *Service) exportDocument(db *gorm.DB, a identity.Actor, c *Conversation) (ExportDocument, error) {
	doc := ExportDocument{Conversation: *c, ExportedAt: s.clock.Now(), ExportedBy: a.UserID, Members: []Person{},
		Messages: []ExportedMessage{}}
	ids, err := memberIDs(db, c.ID)
	if err != nil {
		return doc, err
	}
	var ms []Message
	for after := int64(0); ; {
		var page []Message
		if err := db.Where("conversation_id = ? AND seq > ?", c.ID, after).Order("seq").Limit(1000).Find(&page).Error; err != nil {
			return doc, fmt.Errorf("chat: export messages: %w", err)
		}
		ms = append(ms, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].Seq
	}
	people := append([]string{}, ids...)
	for _, m := range ms {
		people = append(people, m.SenderID)
	}
	nm, err := names(db, people)
	if err != nil {
		return doc, err
	}
	for _, id := range ids {
		doc.Members = append(doc.Members, Person{ID: id, Name: nm[id]})
	}
	for _, m := range ms {
		doc.Messages = append(doc.Messages, ExportedMessage{Seq: m.Seq, SenderID: m.SenderID, SenderName: nm[m.SenderID],
			CreatedAt: m.CreatedAt, Kind: m.Kind, Body: shown(&m), File: m.File, ReplyToID: m.ReplyToID, EditedAt: m.EditedAt,
			RecalledAt: m.RecalledAt})
	}
	return doc, nil
}

func exportXLSX(doc ExportDocument) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "消息 Messages"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("chat: xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("chat: xlsx: %w", err)
	}
	for i, width := range []float64{8, 20, 14, 8, 60, 30, 20, 20} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, fmt.Errorf("chat: xlsx: %w", err)
		}
	}
	head := []any{"序号 Seq", "时间 Time", "发送人 Sender", "类型 Kind", "内容 Text", "文件 File", "编辑于 Edited", "撤回于 Recalled"}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("chat: xlsx: %w", err)
	}
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for i, m := range doc.Messages {
		file := ""
		if m.File != nil {
			file = fmt.Sprintf("%s (%d B)", m.File.Name, m.File.Size)
		}
		// Strings, so a message like "=1+1" stays text.
		row := []any{m.Seq, m.CreatedAt.Format(time.RFC3339), m.SenderName, m.Kind, m.Body, file, ts(m.EditedAt), ts(m.RecalledAt)}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, fmt.Errorf("chat: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("chat: xlsx: %w", err)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, fmt.Errorf("chat: xlsx: %w", err)
	}
	return b.Bytes(), nil
}
