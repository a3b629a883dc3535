package drive

import (
	"bytes"
	"context"

	"tack/backend/identity"
	"tack/backend/meeting"
	"tack/backend/org"
)

// PublishMinutes implements meeting.DocumentPublisher: it writes the
// minutes into the Folder (created when missing) of the department's space
// (the organizer's personal space for the root department, see
// minutesSpace), as a new file or a new version of the file of that name,
// and grants each viewer read-only access to it. The file is locked
// (locks.go): only doc.Writers (the organizer and the minute-taker) may
// change it, whatever the space lets its members do. The meeting service
// has already checked the actor may publish; the drive writes as the
// system, recording the actor as author.
func (s *Service) PublishMinutes(ctx context.Context, actor identity.Actor, doc meeting.MinutesDocument) (string, error) {
	name, err := CleanName(doc.Name)
	if err != nil {
		return "", err
	}
	folderName, err := CleanName(doc.Folder)
	if err != nil {
		return "", err
	}
	sp, err := s.minutesSpace(ctx, doc)
	if err != nil {
		return "", err
	}
	folder, err := s.legacyMinutesFolder(ctx, sp.RootID, name)
	if err != nil {
		return "", err
	}
	if folder == nil {
		if folder, err = s.ensureFolder(ctx, sp.RootID, folderName); err != nil {
			return "", err
		}
	}
	in := SmallUpload{ParentID: folder.ID, Name: name, Body: bytes.NewReader(doc.Content)}
	st := s.read(ctx)
	if cur, err := st.liveChild(folder.ID, nameKey(name), ""); err != nil {
		return "", err
	} else if cur != nil {
		in = SmallUpload{EntryID: cur.ID, BaseVersion: cur.Version, Body: bytes.NewReader(doc.Content)}
	}
	e, err := s.uploadSmall(ctx, actor, who{Actor: org.System}, in)
	if err != nil {
		return "", err
	}
	writers := doc.Writers
	if len(writers) == 0 {
		writers = []string{doc.OrganizerID}
	}
	err = s.write(ctx, func(st dbx) error {
		if err := st.lockEntry(e.ID, writers); err != nil {
			return err
		}
		// The files attached to the meeting become part of its record.
		if err := st.lockAttachments(doc.Attachments, writers); err != nil {
			return err
		}
		existing, err := st.permissionsOn([]string{e.ID})
		if err != nil {
			return err
		}
		has := map[string]bool{}
		for _, x := range existing {
			if x.PrincipalType == PrincipalUser {
				has[x.PrincipalID] = true // viewer or stronger already
			}
		}
		for _, uid := range doc.Viewers {
			if has[uid] {
				continue
			}
			has[uid] = true
			p := Permission{ID: newID(), EntryID: e.ID, SpaceID: e.SpaceID, PrincipalType: PrincipalUser, PrincipalID: uid,
				Role: RoleViewer, CreatedBy: actor.UserID, CreatedAt: s.clock.Now()}
			if err := st.upsertPermission(&p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return e.ID, nil
}

// minutesSpace is where minutes go: the organizer's department space,
// whose members read them (as they read the rest of their department's
// files). The root department has no space of its own: the company space
// stands for it, and every account reads that, so the minutes of a meeting
// organized there (the admin's, the general manager's, HR's) would reach
// the whole company while the meeting service shows them to its people
// only. Those go to the organizer's personal space, where the viewer grants
// are the only way in.
func (s *Service) minutesSpace(ctx context.Context, doc meeting.MinutesDocument) (*Space, error) {
	if doc.DepartmentID != "" {
		d, err := s.org.Department(ctx, doc.DepartmentID)
		if err != nil {
			return nil, wrap("department", err)
		}
		if d.ParentID != nil {
			return s.DepartmentSpace(ctx, d)
		}
	}
	u, err := s.org.User(ctx, doc.OrganizerID)
	if err != nil {
		return nil, wrap("organizer", err)
	}
	return s.PersonalSpace(ctx, identity.Actor{UserID: u.ID, Name: u.Name})
}

// legacyFolderName is the folder minutes went to before they were published
// into meeting.MinutesFolder.
const legacyFolderName = "Meetings"

// legacyMinutesFolder returns the old "Meetings" folder under rootID when it
// holds a file called name: minutes published there before the rename get
// their new version in place (the attendees' links and grants stay valid)
// rather than a second copy in the new folder. Otherwise nil.
func (s *Service) legacyMinutesFolder(ctx context.Context, rootID, name string) (*Entry, error) {
	st := s.read(ctx)
	f, err := st.liveChild(rootID, nameKey(legacyFolderName), "")
	if err != nil || f == nil {
		return nil, err
	}
	if cur, err := st.liveChild(f.ID, nameKey(name), ""); err != nil || cur == nil {
		return nil, err
	}
	return f, nil
}

// ensureFolder returns the live folder name under parentID, creating it.
func (s *Service) ensureFolder(ctx context.Context, parentID, name string) (*Entry, error) {
	if f, err := s.read(ctx).liveChild(parentID, nameKey(name), ""); err != nil || f != nil {
		return f, err
	}
	e, err := s.CreateFolder(ctx, org.System, CreateFolderRequest{ParentID: parentID, Name: name})
	if err != nil {
		if f, err2 := s.read(ctx).liveChild(parentID, nameKey(name), ""); err2 == nil && f != nil {
			return f, nil // created concurrently
		}
		return nil, err
	}
	return &e, nil
}

// ShareAttachment implements meeting.AttachmentSharer: it lets each of
// userIDs read entryID, a file or folder attached to a meeting. The actor
// must be able to share the entry (manager of it); people who can read it
// already keep the access they have (a grant never lowers a role). No
// drive.shared notice: the meeting's invitation is the notice.
func (s *Service) ShareAttachment(ctx context.Context, actor identity.Actor, entryID string, userIDs []string) error {
	w, err := s.who(ctx, actor)
	if err != nil {
		return err
	}
	// Who each person is in the drive (their departments), read before the write.
	readers := make([]who, 0, len(userIDs))
	for _, uid := range userIDs {
		ua, err := s.org.ActorFor(ctx, uid)
		if err != nil {
			continue // left the company
		}
		uw, err := s.who(ctx, ua)
		if err != nil {
			return err
		}
		readers = append(readers, uw)
	}
	return s.write(ctx, func(st dbx) error {
		e, err := s.needLive(ctx, st, w, entryID, RoleManager)
		if err != nil {
			return err
		}
		for _, uw := range readers {
			r, err := s.roleOn(ctx, st, uw, e)
			if err != nil {
				return err
			}
			if roleLevel(r) >= roleLevel(RoleViewer) {
				continue
			}
			p := Permission{ID: newID(), EntryID: e.ID, SpaceID: e.SpaceID, PrincipalType: PrincipalUser, PrincipalID: uw.Actor.UserID,
				Role: RoleViewer, CreatedBy: actor.UserID, CreatedAt: s.clock.Now()}
			if err := st.upsertPermission(&p); err != nil {
				return err
			}
		}
		return nil
	})
}

// AttachmentInfo implements report.Files: the name and size of a file the
// actor may read, which a work report shows beside its link.
func (s *Service) AttachmentInfo(ctx context.Context, actor identity.Actor, id string) (string, int64, error) {
	e, err := s.Entry(ctx, actor, id)
	if err != nil {
		return "", 0, err
	}
	if e.IsDir() {
		return "", 0, ErrNotFile
	}
	return e.Name, e.Size, nil
}
