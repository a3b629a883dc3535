package approval

import (
	"context"
	"io"
	"slices"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
)

// maxAttachments bounds the files of one attachment field or comment.
const maxAttachments = 20

// Attachment is a file attached to a request or a comment. Once submitted it
// is a copy in the drive's approvals archive, so later edits to the file in
// anyone's drive never change the request.
type Attachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// AttachmentContent is an archived attachment opened for download.
type AttachmentContent struct {
	Body    io.ReadSeekCloser
	Name    string
	Size    int64
	Hash    string
	ModTime time.Time
}

// Files is what approvals need from the drive (drive.Service implements it).
type Files interface {
	// UploadAttachment stores a file the actor uploads for a request.
	UploadAttachment(ctx context.Context, a identity.Actor, name string, body io.Reader) (Attachment, error)
	// ArchiveAttachments copies files the actor may read into the approvals
	// archive, under folder, and returns the copies.
	ArchiveAttachments(ctx context.Context, a identity.Actor, folder string, ids []string) ([]Attachment, error)
	// OpenAttachment opens an archived attachment.
	OpenAttachment(ctx context.Context, id string) (AttachmentContent, error)
}

var errNoFiles = apperr.Invalid("approval.attachments_unavailable", "attachments are not available on this server").WithField("attachments", "invalid")

// UploadAttachment stores a file for a request the actor is filling in (or a
// comment they are writing); the form then names it by ID.
func (s *Service) UploadAttachment(ctx context.Context, actor identity.Actor, name string, body io.Reader) (Attachment, error) {
	if s.files == nil {
		return Attachment{}, errNoFiles
	}
	return s.files.UploadAttachment(ctx, actor, name, body)
}

// attachmentRef is one entry of an attachment value: new uploads are bare
// IDs, already archived ones {id,name,size}.
type attachmentRef struct{ ID, Name string }

func attachmentRefs(v any) []attachmentRef {
	arr, _ := v.([]any)
	var out []attachmentRef
	for _, a := range arr {
		switch t := a.(type) {
		case string:
			out = append(out, attachmentRef{ID: t})
		case map[string]any:
			id, _ := t["id"].(string)
			name, _ := t["name"].(string)
			if id != "" || name != "" {
				out = append(out, attachmentRef{ID: id, Name: name})
			}
		}
	}
	return out
}

// attachmentIDs reads the IDs of an attachment value.
func attachmentIDs(v any) []string {
	var out []string
	for _, r := range attachmentRefs(v) {
		if r.ID != "" {
			out = append(out, r.ID)
		}
	}
	return out
}

// walkAttachments calls fn with every attachment value of the form (table
// cells included) and stores what fn returns in its place.
func walkAttachments(fields []Field, form map[string]any, fn func(v any) any) {
	for _, f := range fields {
		switch f.Type {
		case FieldAttachment:
			if _, ok := form[f.Key]; ok {
				form[f.Key] = fn(form[f.Key])
			}
		case FieldTable:
			rows, _ := form[f.Key].([]any)
			for _, r := range rows {
				if rm, ok := r.(map[string]any); ok {
					walkAttachments(f.Columns, rm, fn)
				}
			}
		}
	}
}

// archiveForm copies the form's attachments into the archive folder of the
// instance and replaces their IDs with the archived {id,name,size}.
func (s *Service) archiveForm(ctx context.Context, actor identity.Actor, folder string, fields []Field, form map[string]any) error {
	var ids []string
	walkAttachments(fields, form, func(v any) any { ids = append(ids, attachmentIDs(v)...); return v })
	if len(ids) == 0 {
		return nil
	}
	if s.files == nil {
		return errNoFiles
	}
	archived, err := s.files.ArchiveAttachments(ctx, actor, folder, uniq(ids))
	if err != nil {
		return err
	}
	byID := map[string]Attachment{}
	for i, id := range uniq(ids) {
		byID[id] = archived[i]
	}
	walkAttachments(fields, form, func(v any) any {
		var out []any
		for _, id := range attachmentIDs(v) {
			a := byID[id]
			out = append(out, map[string]any{"id": a.ID, "name": a.Name, "size": float64(a.Size)})
		}
		return out
	})
	return nil
}

// OpenAttachment opens a file of an instance the actor may see: one of its
// form's attachments or a comment's.
func (s *Service) OpenAttachment(ctx context.Context, actor identity.Actor, instanceID, fileID string) (AttachmentContent, error) {
	inst, err := s.viewable(ctx, actor, instanceID)
	if err != nil {
		return AttachmentContent{}, err
	}
	var ver TemplateVersion
	if err := s.db.WithContext(ctx).First(&ver, "id = ?", inst.TemplateVersionID).Error; err != nil {
		return AttachmentContent{}, err
	}
	var ids []string
	walkAttachments(ver.Fields, inst.Form, func(v any) any { ids = append(ids, attachmentIDs(v)...); return v })
	var comments []Comment
	if err := s.db.WithContext(ctx).Where("instance_id = ?", inst.ID).Find(&comments).Error; err != nil {
		return AttachmentContent{}, err
	}
	for _, c := range comments {
		for _, a := range c.Files {
			ids = append(ids, a.ID)
		}
	}
	if !slices.Contains(ids, fileID) || s.files == nil {
		return AttachmentContent{}, errAttachmentNotFound
	}
	return s.files.OpenAttachment(ctx, fileID)
}
