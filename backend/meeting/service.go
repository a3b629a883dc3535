package meeting

import (
	"context"
	"fmt"
	"slices"
	_ "time/tzdata" // IANA zones on machines (Windows) without a zoneinfo database

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// DefaultTimeZone is used when a request names no zone. Tack's users are
// mostly in mainland China.
const DefaultTimeZone = "Asia/Shanghai"

// DefaultReminderMinutes is the company policy: remind 10 minutes before start.
const DefaultReminderMinutes = 10

// MinutesDocument is what publishing minutes asks the drive to store: a file
// Name in the Folder of the organizer's department space (their personal
// space when that department is the root), readable by Viewers.
type MinutesDocument struct {
	DepartmentID string // the organizer's department
	OrganizerID  string
	Folder       string
	Name         string
	Content      []byte
	Viewers      []string
	Writers      []string // the only people who may change the published file (organizer, minute-taker)
	Attachments  []string // drive entry IDs attached to the meeting: locked for Writers too
}

// DocumentPublisher writes minutes into the drive (drive.Service, adapted in
// server wiring). It returns the drive entry ID.
type DocumentPublisher interface {
	PublishMinutes(ctx context.Context, actor identity.Actor, doc MinutesDocument) (string, error)
}

// PublisherFunc adapts a function to DocumentPublisher.
type PublisherFunc func(ctx context.Context, actor identity.Actor, doc MinutesDocument) (string, error)

// PublishMinutes calls f.
func (f PublisherFunc) PublishMinutes(ctx context.Context, actor identity.Actor, doc MinutesDocument) (string, error) {
	return f(ctx, actor, doc)
}

// AttachmentSharer lets the people of a meeting read the drive files and
// folders attached to it (drive.Service, wired by the server). It fails when
// the actor may not share the entry.
type AttachmentSharer interface {
	ShareAttachment(ctx context.Context, actor identity.Actor, entryID string, userIDs []string) error
}

// Service is the meetings domain.
type Service struct {
	db        *gorm.DB
	clock     clock.Clock
	org       *org.Service
	publisher DocumentPublisher
	workCal   WorkCalendar // nil: the standard week
	sharer    AttachmentSharer
}

// Deps are what the meeting service uses from other domains, all wired in
// server.New when the service is built. A nil field turns its feature off:
// without Publisher publishing minutes fails with meeting.drive_unavailable,
// without Sharer attendees are not given the attached drive files, without
// WorkCalendar "find a time" keeps to the standard week (Monday–Friday
// 09:00–18:00, no holidays).
type Deps struct {
	Publisher    DocumentPublisher
	Sharer       AttachmentSharer
	WorkCalendar WorkCalendar
}

// NewService builds the meeting service.
func NewService(db *gorm.DB, clk clock.Clock, orgSvc *org.Service, deps Deps) *Service {
	return &Service{db: db, clock: clk, org: orgSvc, publisher: deps.Publisher, sharer: deps.Sharer, workCal: deps.WorkCalendar}
}

// canSee reports whether the actor may see the meeting's details.
func canSee(a identity.Actor, m *Meeting) bool {
	return a.IsAdmin() || isParticipant(a.UserID, m)
}

func isParticipant(userID string, m *Meeting) bool {
	if userID == m.OrganizerID || userID == m.MinuteTakerID {
		return true
	}
	return slices.ContainsFunc(m.Attendees, func(at Attendee) bool { return at.UserID == userID })
}

func canEdit(a identity.Actor, m *Meeting) bool { return a.IsAdmin() || a.UserID == m.OrganizerID }

// people returns the organizer and attendees who have not declined.
func (m *Meeting) people() []string {
	out := []string{m.OrganizerID}
	for _, at := range m.Attendees {
		if at.Response != ResponseDeclined && at.UserID != m.OrganizerID {
			out = append(out, at.UserID)
		}
	}
	return out
}

// attendeeIDs returns every attendee (any response) except the organizer.
func (m *Meeting) attendeeIDs() []string {
	out := make([]string, 0, len(m.Attendees))
	for _, at := range m.Attendees {
		out = append(out, at.UserID)
	}
	return out
}

// load returns one meeting with attendees and exceptions.
func (s *Service) load(db *gorm.DB, id string) (*Meeting, error) {
	var m Meeting
	if err := db.First(&m, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, ErrMeetingNotFound
		}
		return nil, fmt.Errorf("meeting: load %s: %w", id, err)
	}
	ms := []Meeting{m}
	if err := s.fill(db, ms); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// fill loads attendees and exceptions of the meetings in bulk.
func (s *Service) fill(db *gorm.DB, ms []Meeting) error {
	if len(ms) == 0 {
		return nil
	}
	idx := make(map[string]int, len(ms))
	ids := make([]string, len(ms))
	for i := range ms {
		idx[ms[i].ID] = i
		ids[i] = ms[i].ID
		ms[i].Attendees = []Attendee{}
		ms[i].Exceptions = []Exception{}
	}
	for chunk := range slices.Chunk(ids, 500) {
		var ats []Attendee
		if err := db.Where("meeting_id IN ?", chunk).Order("meeting_id, user_id").Find(&ats).Error; err != nil {
			return fmt.Errorf("meeting: load attendees: %w", err)
		}
		for _, a := range ats {
			i := idx[a.MeetingID]
			ms[i].Attendees = append(ms[i].Attendees, a)
		}
		var exs []Exception
		if err := db.Where("meeting_id IN ?", chunk).Order("meeting_id, original_start").Find(&exs).Error; err != nil {
			return fmt.Errorf("meeting: load exceptions: %w", err)
		}
		for _, e := range exs {
			e.OriginalStart, e.StartAt, e.EndAt = e.OriginalStart.UTC(), e.StartAt.UTC(), e.EndAt.UTC()
			i := idx[e.MeetingID]
			ms[i].Exceptions = append(ms[i].Exceptions, e)
		}
	}
	for i := range ms {
		ms[i].normalize()
	}
	return nil
}

// normalize puts times read from the database in UTC (drivers may return local zones).
func (m *Meeting) normalize() {
	m.StartAt, m.EndAt, m.SpanStart = m.StartAt.UTC(), m.EndAt.UTC(), m.SpanStart.UTC()
	if m.SpanEnd != nil {
		t := m.SpanEnd.UTC()
		m.SpanEnd = &t
	}
	if m.Attachments == nil {
		m.Attachments = []string{}
	}
}

func newID() string { return store.NewID() }
