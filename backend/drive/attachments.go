package drive

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"tack/backend/approval"
	"tack/backend/identity"
	"tack/backend/org"
)

// SpaceArchive is the approvals archive: copies of the files attached to
// approvals, kept apart so that editing or deleting a drive file never
// changes a submitted request. Only administrators see it in the drive.
const SpaceArchive = "archive"

// Folder of a person's own drive that receives what they upload for approvals.
const attachmentUploadFolder = "审批附件"

// archiveSpace returns the approvals archive, creating it on first use
// (no grants: administrators manage it, the approvals engine reads it).
func (s *Service) archiveSpace(ctx context.Context) (*Space, error) {
	return s.ensure(ctx, SpaceArchive, "", "", func() (*Space, *Entry, []Permission) {
		sp, root := s.newSpace(SpaceArchive, "审批附件 Approval attachments", "", "", org.System.UserID)
		sp.QuotaBytes = 0 // the archive must never refuse a submitted request's files
		return sp, root, nil
	})
}

// freeName returns name, or "name (2).ext", "name (3).ext"... when a live
// entry of that name exists in the folder.
func (s *Service) freeName(ctx context.Context, folderID, name string) (string, error) {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	cand := name
	for i := 2; i < 1000; i++ {
		c, err := s.read(ctx).liveChild(folderID, nameKey(cand), "")
		if err != nil {
			return "", err
		}
		if c == nil {
			return cand, nil
		}
		cand = fmt.Sprintf("%s (%d)%s", base, i, ext)
	}
	return "", ErrNameTaken
}

// UploadAttachment stores a file the actor uploads for an approval in the
// "审批附件" folder of their own drive and returns it; submitting the request
// then archives a copy (ArchiveAttachments).
func (s *Service) UploadAttachment(ctx context.Context, a identity.Actor, name string, body io.Reader) (approval.Attachment, error) {
	name, err := CleanName(name)
	if err != nil {
		return approval.Attachment{}, err
	}
	sp, err := s.PersonalSpace(ctx, a)
	if err != nil {
		return approval.Attachment{}, err
	}
	folder, err := s.ensureFolder(ctx, sp.RootID, attachmentUploadFolder)
	if err != nil {
		return approval.Attachment{}, err
	}
	if name, err = s.freeName(ctx, folder.ID, name); err != nil {
		return approval.Attachment{}, err
	}
	e, err := s.UploadSmall(ctx, a, SmallUpload{ParentID: folder.ID, Name: name, Body: body})
	if err != nil {
		return approval.Attachment{}, err
	}
	return approval.Attachment{ID: e.ID, Name: e.Name, Size: e.Size}, nil
}

// ArchiveAttachments copies files the actor may read into the approvals
// archive, under folder (one per approval), and returns the copies. File
// copies share their chunks, so this costs no space.
func (s *Service) ArchiveAttachments(ctx context.Context, a identity.Actor, folder string, ids []string) ([]approval.Attachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	w, err := s.who(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		e, err := s.needLive(ctx, s.read(ctx), w, id, RoleViewer)
		if err != nil {
			return nil, err
		}
		if e.IsDir() {
			return nil, ErrNotFile
		}
	}
	sp, err := s.archiveSpace(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := s.ensureFolder(ctx, sp.RootID, folder)
	if err != nil {
		return nil, err
	}
	out := make([]approval.Attachment, 0, len(ids))
	for _, id := range ids {
		src, err := s.read(ctx).entry(id)
		if err != nil {
			return nil, err
		}
		name, err := s.freeName(ctx, dir.ID, src.Name)
		if err != nil {
			return nil, err
		}
		c, err := s.Copy(ctx, org.System, id, CopyRequest{ParentID: dir.ID, Name: name})
		if err != nil {
			return nil, err
		}
		out = append(out, approval.Attachment{ID: c.ID, Name: c.Name, Size: c.Size})
	}
	return out, nil
}

// OpenAttachment opens an archived approval attachment for download; the
// approvals service has checked the reader may see the approval.
func (s *Service) OpenAttachment(ctx context.Context, id string) (approval.AttachmentContent, error) {
	sp, err := s.archiveSpace(ctx)
	if err != nil {
		return approval.AttachmentContent{}, err
	}
	c, err := s.OpenContent(ctx, org.System, id, 0)
	if err != nil {
		return approval.AttachmentContent{}, err
	}
	if c.Entry.SpaceID != sp.ID {
		c.Close()
		return approval.AttachmentContent{}, ErrNotFound
	}
	return approval.AttachmentContent{Body: c, Name: c.Entry.Name, Size: c.Version.Size, Hash: c.Version.Hash, ModTime: c.ModTime()}, nil
}
