package report

import (
	"context"
	"fmt"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/identity"
)

// Files is what reports need from the drive (drive.Service implements it):
// a file attached to a report stays where it is in the writer's drive (an
// upload from the computer lands in their own drive first) and is shared
// read-only with the report's recipients through the drive's permissions,
// so the drive decides, as for any share, whether the writer may share it.
type Files interface {
	ShareAttachment(ctx context.Context, actor identity.Actor, entryID string, userIDs []string) error
	// AttachmentInfo names a file the actor may read.
	AttachmentInfo(ctx context.Context, actor identity.Actor, entryID string) (name string, size int64, err error)
}

// attachmentsOf returns the drive entry IDs of each attachment field of a
// checked form (the approval form rules keep them as a list of IDs), by
// field key; table columns of type attachment included.
func attachmentsOf(fields []approval.Field, form map[string]any) map[string][]string {
	out := map[string][]string{}
	var walk func(prefix string, fields []approval.Field, form map[string]any)
	walk = func(prefix string, fields []approval.Field, form map[string]any) {
		for _, f := range fields {
			switch f.Type {
			case approval.FieldAttachment:
				arr, _ := form[f.Key].([]any)
				for _, a := range arr {
					if id := fileID(a); id != "" {
						out[prefix+f.Key] = append(out[prefix+f.Key], id)
					}
				}
			case approval.FieldTable:
				rows, _ := form[f.Key].([]any)
				for i, row := range rows {
					if rm, ok := row.(map[string]any); ok {
						walk(fmt.Sprintf("%s%s.%d.", prefix, f.Key, i), f.Columns, rm)
					}
				}
			}
		}
	}
	walk("", fields, form)
	return out
}

// shareFiles lets userIDs read every file attached to form. A file the
// writer may not share (not theirs to manage, gone, a folder) is
// report.invalid under its field ("form.<key>": "not_shared").
func (s *Service) shareFiles(ctx context.Context, actor identity.Actor, fields []approval.Field, form map[string]any, userIDs []string) error {
	byField := attachmentsOf(fields, form)
	if len(byField) == 0 {
		return nil
	}
	for key, ids := range byField {
		for _, id := range ids {
			if s.files == nil {
				return apperr.Invalid("report.invalid", "attachments are not available on this server").WithField("form."+key, "not_shared")
			}
			if err := s.files.ShareAttachment(ctx, actor, id, userIDs); err != nil {
				if _, ok := apperr.As(err); ok {
					return apperr.Invalid("report.invalid", "an attached file cannot be shared").WithField("form."+key, "not_shared")
				}
				return fmt.Errorf("report: share attachment %s: %w", id, err)
			}
		}
	}
	return nil
}

// fileID reads one attachment value: a drive entry ID as the form sends it,
// or the {id,name,size} a stored report keeps.
func fileID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		id, _ := x["id"].(string)
		return id
	}
	return ""
}

// nameFiles replaces the attachment IDs of a form with {id,name,size}, so
// a report shows (and search finds) its files by name; a file the writer
// cannot read (a draft's) stays a bare ID.
func (s *Service) nameFiles(ctx context.Context, actor identity.Actor, fields []approval.Field, form map[string]any) {
	if s.files == nil {
		return
	}
	var walk func(fields []approval.Field, form map[string]any)
	walk = func(fields []approval.Field, form map[string]any) {
		for _, f := range fields {
			switch f.Type {
			case approval.FieldAttachment:
				arr, ok := form[f.Key].([]any)
				if !ok {
					continue
				}
				out := make([]any, 0, len(arr))
				for _, a := range arr {
					id := fileID(a)
					name, size, err := s.files.AttachmentInfo(ctx, actor, id)
					if id == "" || err != nil {
						out = append(out, a)
						continue
					}
					out = append(out, map[string]any{"id": id, "name": name, "size": float64(size)})
				}
				form[f.Key] = out
			case approval.FieldTable:
				rows, _ := form[f.Key].([]any)
				for _, row := range rows {
					if rm, ok := row.(map[string]any); ok {
						walk(f.Columns, rm)
					}
				}
			}
		}
	}
	walk(fields, form)
}
