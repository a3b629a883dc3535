// Package notify carries domain events to people: an append-only events table
// written in the same transaction as the change it describes (an outbox, so an
// event exists if and only if its change committed), notifications derived
// from events, live delivery over SSE, DING escalation and announcements.
package notify
