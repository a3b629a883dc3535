package chat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/store"
)

// Message kinds besides "text".
const (
	MessageText  = "text"
	MessageFile  = "file"
	MessageImage = "image"
)

// DefaultMaxFileBytes is the largest file a message may carry.
const DefaultMaxFileBytes = 100 << 20

// maxImageBytes bounds the images read into memory to make a thumbnail;
// a larger image is sent as a plain file card.
const maxImageBytes = 20 << 20

// ErrFileTooLarge is the size limit's error (the UI shows the limit).
var ErrFileTooLarge = apperr.TooLarge("chat.file_too_large", "files sent in chat may be at most 100 MB").WithField("file", "too_large")

// FileRef is the file a file or image message carries: the drive file and,
// for an image, its thumbnail (made on the server) and size in pixels.
type FileRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	ThumbID string `json:"thumb_id,omitempty"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
}

// StoredFile is a file the drive stored for chat.
type StoredFile struct {
	ID   string
	Name string
	Size int64
}

// FileContent is a chat file opened for download.
type FileContent struct {
	Body    io.ReadSeekCloser
	Name    string
	Size    int64
	Hash    string
	ModTime time.Time
}

// Files is what chat needs from the drive (drive.Service implements it):
// files are stored through the drive's one upload path, in a folder per
// conversation; chat decides who may read them.
type Files interface {
	StoreChatFile(ctx context.Context, a identity.Actor, convID string, thumb bool, name string, body io.Reader) (StoredFile, error)
	OpenChatFile(ctx context.Context, id string) (FileContent, error)
	DeleteChatFiles(ctx context.Context, ids []string) error
}

var errNoFiles = apperr.Invalid("chat.files_unavailable", "files are not available on this server").WithField("file", "invalid")

// SetFiles connects the drive; without it, file messages are refused.
func (s *Service) SetFiles(f Files) { s.files = f }

// SetMaxFileSize changes the per-file limit (tests).
func (s *Service) SetMaxFileSize(n int64) { s.maxFile = n }

func (s *Service) maxFileBytes() int64 {
	if s.maxFile > 0 {
		return s.maxFile
	}
	return DefaultMaxFileBytes
}

// SendFileRequest sends a file. Size is the declared length (-1 unknown):
// a file declared too large is refused before a byte is stored.
type SendFileRequest struct {
	ClientKey string
	Name      string
	Size      int64
	ReplyToID string
	Body      io.Reader
}

// capped fails a read that goes past the limit, so the drive's upload
// stops and stores nothing.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, ErrFileTooLarge
	}
	return n, err
}

func isImageName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".gif":
		return true
	}
	return false
}

// SendFile sends a file or an image: the file is stored in the drive (the
// conversation's folder), an image gets a thumbnail, then the message is
// written as Send writes text. Who may post is checked before anything is
// stored; a retry with the same ClientKey returns the first message and
// stores nothing.
func (s *Service) SendFile(ctx context.Context, a identity.Actor, convID string, req SendFileRequest) (MessageView, error) {
	req.Name = strings.TrimSpace(req.Name)
	var v apperr.Validator
	v.Check(req.Name != "", "name", "required")
	v.Check(utf8.RuneCountInString(req.Name) <= 255, "name", "too_long")
	v.Check(len(req.ClientKey) <= MaxKeyLen, "client_key", "too_long")
	if err := v.Err("chat.invalid_message", "the message is not valid"); err != nil {
		return MessageView{}, err
	}
	if s.files == nil {
		return MessageView{}, errNoFiles
	}
	if req.ClientKey == "" {
		req.ClientKey = store.NewID()
	}
	db := s.db.WithContext(ctx)
	var prior Message
	if err := db.Select("id").First(&prior, "conversation_id = ? AND sender_id = ? AND client_key = ?", convID, a.UserID, req.ClientKey).Error; err == nil {
		return s.GetMessage(ctx, a, prior.ID)
	} else if !store.IsNotFound(err) {
		return MessageView{}, fmt.Errorf("chat: find by key: %w", err)
	}
	// The same checks send makes, before anything is stored.
	c, m, err := membership(db, convID, a.UserID)
	if err != nil {
		return MessageView{}, err
	}
	switch {
	case c.ArchivedAt != nil:
		return MessageView{}, ErrArchived
	case c.PostPolicy == PolicyAdmins && !m.isAdmin():
		return MessageView{}, ErrPostForbidden
	case req.Size > s.maxFileBytes():
		return MessageView{}, ErrFileTooLarge
	}
	ref, err := s.storeFile(ctx, a, convID, req)
	if err != nil {
		return MessageView{}, err
	}
	kind := MessageFile
	if ref.ThumbID != "" {
		kind = MessageImage
	}
	var id string
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		r, err := s.send(tx, a, convID, SendRequest{ClientKey: req.ClientKey, Body: ref.Name, ReplyToID: req.ReplyToID,
			kind: kind, file: ref}, "")
		if err == nil {
			id = r.msg.ID
		}
		return err
	})
	if err != nil || id == "" {
		// Nothing refers to what was stored: take it back.
		_ = s.files.DeleteChatFiles(context.WithoutCancel(ctx), ref.ids())
	}
	if errors.Is(err, errKeyTaken) || store.IsDuplicate(err) { // the same key raced itself: the first one won
		var first Message
		if e := db.First(&first, "conversation_id = ? AND sender_id = ? AND client_key = ?", convID, a.UserID, req.ClientKey).Error; e == nil {
			id, err = first.ID, nil
		}
	}
	if err != nil {
		return MessageView{}, err
	}
	var sent Message
	if err := db.Select("id, file_id").First(&sent, "id = ?", id).Error; err == nil && sent.FileID != ref.ID {
		// A retry that lost to an earlier send with the same key.
		_ = s.files.DeleteChatFiles(context.WithoutCancel(ctx), ref.ids())
	}
	return s.GetMessage(ctx, a, id)
}

func (r *FileRef) ids() []string {
	if r == nil {
		return nil
	}
	if r.ThumbID != "" {
		return []string{r.ID, r.ThumbID}
	}
	return []string{r.ID}
}

// storeFile stores the body and, for an image, its thumbnail.
func (s *Service) storeFile(ctx context.Context, a identity.Actor, convID string, req SendFileRequest) (*FileRef, error) {
	limit := s.maxFileBytes()
	body := &capped{r: req.Body, left: limit}
	var img *bytes.Buffer
	var r io.Reader = body
	if isImageName(req.Name) && (req.Size < 0 || req.Size <= maxImageBytes) {
		img = &bytes.Buffer{}
		r = io.TeeReader(body, &limitedWriter{w: img, left: maxImageBytes})
	}
	f, err := s.files.StoreChatFile(ctx, a, convID, false, req.Name, r)
	if body.left < 0 {
		if err == nil {
			_ = s.files.DeleteChatFiles(context.WithoutCancel(ctx), []string{f.ID})
		}
		return nil, ErrFileTooLarge
	}
	if err != nil {
		return nil, err
	}
	ref := &FileRef{ID: f.ID, Name: f.Name, Size: f.Size}
	if img != nil && int64(img.Len()) == f.Size {
		if th, w, h, ok := thumbnail(img.Bytes()); ok {
			t, err := s.files.StoreChatFile(ctx, a, convID, true, f.Name+".jpg", bytes.NewReader(th))
			if err != nil {
				_ = s.files.DeleteChatFiles(context.WithoutCancel(ctx), []string{f.ID})
				return nil, err
			}
			ref.ThumbID, ref.Width, ref.Height = t.ID, w, h
		}
	}
	return ref, nil
}

// limitedWriter keeps at most left bytes and drops the rest (the image is
// then too big for a thumbnail, and the file is stored all the same).
type limitedWriter struct {
	w    *bytes.Buffer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.left > 0 {
		n := min(int64(len(p)), l.left)
		l.w.Write(p[:n])
		l.left -= n
	}
	return len(p), nil
}

// OpenFile opens the file (or, with thumb, the thumbnail) of a message in a
// conversation the actor is a member of now. A former member gets
// chat.message_not_found for every file, old or new: the conversation no
// longer exists for them. A recalled message's file is gone.
func (s *Service) OpenFile(ctx context.Context, a identity.Actor, messageID string, thumb bool) (FileContent, error) {
	if s.files == nil {
		return FileContent{}, errNoFiles
	}
	m, _, _, err := loadOwnable(s.db.WithContext(ctx), a, messageID)
	if err != nil {
		return FileContent{}, err
	}
	if m.RecalledAt != nil || m.File == nil || (thumb && m.File.ThumbID == "") {
		return FileContent{}, ErrFileNotFound
	}
	id := m.File.ID
	if thumb {
		id = m.File.ThumbID
	}
	c, err := s.files.OpenChatFile(ctx, id)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return FileContent{}, ErrFileNotFound
		}
		return FileContent{}, err
	}
	c.Name = m.File.Name
	if thumb {
		c.Name = m.File.Name + ".jpg"
	}
	return c, nil
}

// releaseFiles deletes from the drive the files no message refers to any
// more (a forwarded copy shares its original's file). Call it after the
// transaction that dropped the references has committed.
func (s *Service) releaseFiles(ctx context.Context, refs []FileRef) error {
	if s.files == nil || len(refs) == 0 {
		return nil
	}
	var gone []string
	for _, r := range refs {
		var n int64
		if err := s.db.WithContext(ctx).Model(&Message{}).Where("file_id = ?", r.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("chat: file references: %w", err)
		}
		if n == 0 {
			gone = append(gone, r.ids()...)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return s.files.DeleteChatFiles(ctx, gone)
}

var errNotText = apperr.Conflict("chat.not_editable", "only text messages can be edited")

// ErrFileNotFound answers for a message without a (live) file.
var ErrFileNotFound = apperr.NotFound("chat.file_not_found", "the file is no longer available")
