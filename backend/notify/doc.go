// Package notify carries domain events to people: an append-only events table
// written in the same transaction as the change it describes (an outbox, so an
// event exists if and only if its change committed), notifications derived
// from events, live delivery over SSE, DING escalation and announcements.
//
// Ending a session ends its live streams: org emits TypeStreamsClosed
// (CloseStreams) in the transaction that revokes sessions or deactivates a
// user, and every replica's hub closes the matching subscriptions when its
// dispatcher reaches the event (streams.go).
package notify
