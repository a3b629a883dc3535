package notify

import (
	"slices"

	"gorm.io/gorm"

	"tack/backend/event"
)

// TypeStreamsClosed is the event that ends a user's live event streams: their
// account was deactivated or some of their sessions were revoked (logout,
// password change or reset). It has no recipients, so it is never replayed
// or turned into a notification; it travels through the outbox like every
// event, so each replica's dispatcher sees it (PostgreSQL LISTEN/NOTIFY) and
// closes the matching streams it holds.
const TypeStreamsClosed = event.StreamsClosed

// CloseStreams emits TypeStreamsClosed inside tx for userID's streams opened
// by the given sessions (none given: every stream of the user). Call it in
// the transaction that revokes the sessions.
func CloseStreams(tx *gorm.DB, userID string, sessionIDs ...string) error {
	if sessionIDs == nil {
		sessionIDs = []string{}
	}
	return Emit(tx, &Event{Type: TypeStreamsClosed, SubjectType: "user", SubjectID: userID,
		Data: event.Data(event.Streams{UserID: userID, Sessions: sessionIDs})})
}

// closes reports whether ev (a TypeStreamsClosed) ends subscription s.
func closes(ev Event, s *Subscription) bool {
	if uid, _ := ev.Data["user_id"].(string); uid != s.UserID {
		return false
	}
	var ids []string
	switch v := ev.Data["sessions"].(type) {
	case []string:
		ids = v
	case []any: // read back from the events table
		for _, x := range v {
			if id, ok := x.(string); ok {
				ids = append(ids, id)
			}
		}
	}
	return len(ids) == 0 || slices.Contains(ids, s.SessionID)
}
