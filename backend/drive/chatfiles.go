package drive

import (
	"context"
	"errors"
	"io"

	"tack/backend/chat"
	"tack/backend/identity"
	"tack/backend/org"
)

// SpaceChat holds the files sent in chat: a folder per conversation (named
// by its ID, which never changes), thumbnails in a subfolder. It has no
// grants: chat decides who reads a file (the conversation's members now),
// so removing a member takes away every file of the conversation at once,
// without a permission row per member per file. Administrators see it in
// the drive, as they see the approvals archive.
const SpaceChat = "chat"

const chatThumbFolder = "缩略图"

func (s *Service) chatSpace(ctx context.Context) (*Space, error) {
	return s.ensure(ctx, SpaceChat, "", "", func() (*Space, *Entry, []Permission) {
		sp, root := s.newSpace(SpaceChat, "聊天文件 Chat files", "", "", org.System.UserID)
		sp.QuotaBytes = 0 // chat enforces its own per-file limit; a full quota must not refuse a message
		return sp, root, nil
	})
}

// StoreChatFile implements chat.Files: it stores body through the drive's
// one upload path (chunked, deduplicated, committed atomically) in the
// conversation's folder, recording the actor as author. Chat has checked
// the actor may post there.
func (s *Service) StoreChatFile(ctx context.Context, a identity.Actor, convID string, thumb bool, name string, body io.Reader) (chat.StoredFile, error) {
	name, err := CleanName(name)
	if err != nil {
		return chat.StoredFile{}, err
	}
	sp, err := s.chatSpace(ctx)
	if err != nil {
		return chat.StoredFile{}, err
	}
	dir, err := s.ensureFolder(ctx, sp.RootID, convID)
	if err != nil {
		return chat.StoredFile{}, err
	}
	if thumb {
		if dir, err = s.ensureFolder(ctx, dir.ID, chatThumbFolder); err != nil {
			return chat.StoredFile{}, err
		}
	}
	if name, err = s.freeName(ctx, dir.ID, name); err != nil {
		return chat.StoredFile{}, err
	}
	e, err := s.uploadSmall(ctx, a, who{Actor: org.System}, SmallUpload{ParentID: dir.ID, Name: name, Body: body})
	if err != nil {
		return chat.StoredFile{}, err
	}
	return chat.StoredFile{ID: e.ID, Name: e.Name, Size: e.Size}, nil
}

// OpenChatFile implements chat.Files: chat has checked the reader is a
// member of the conversation the file was sent in.
func (s *Service) OpenChatFile(ctx context.Context, id string) (chat.FileContent, error) {
	sp, err := s.chatSpace(ctx)
	if err != nil {
		return chat.FileContent{}, err
	}
	c, err := s.OpenContent(ctx, org.System, id, 0)
	if err != nil {
		return chat.FileContent{}, err
	}
	if c.Entry.SpaceID != sp.ID {
		c.Close()
		return chat.FileContent{}, ErrNotFound
	}
	return chat.FileContent{Body: c, Name: c.Entry.Name, Size: c.Version.Size, Hash: c.Version.Hash, ModTime: c.ModTime()}, nil
}

// DeleteChatFiles implements chat.Files: it moves the files to the drive's
// trash (purged by the drive's trash expiry, restorable by an administrator
// until then). Files already gone are skipped.
func (s *Service) DeleteChatFiles(ctx context.Context, ids []string) error {
	sp, err := s.chatSpace(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		e, err := s.read(ctx).entry(id)
		if err != nil || e == nil || e.Deleted || e.SpaceID != sp.ID {
			continue
		}
		if err := s.Trash(ctx, org.System, id, e.Version); err != nil && !errors.Is(err, ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
