package app

import "sync"

// FakeNotifier records notifications (tests).
type FakeNotifier struct {
	mu   sync.Mutex
	Sent []Notification
}

// Notification is one recorded call.
type Notification struct{ Title, Body, Link string }

func (f *FakeNotifier) Notify(title, body, link string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Sent = append(f.Sent, Notification{title, body, link})
	return nil
}

// All returns a copy of what was sent.
func (f *FakeNotifier) All() []Notification {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Notification(nil), f.Sent...)
}
