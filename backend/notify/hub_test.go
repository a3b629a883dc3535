package notify

import "testing"

func TestHubFiltersByRecipientAndCloses(t *testing.T) {
	h := NewHub()
	a, b := h.Subscribe("a"), h.Subscribe("b")
	h.Publish(Event{ID: 1, Recipients: []string{"a"}})
	if ev := <-a.C; ev.ID != 1 {
		t.Fatal(ev)
	}
	select {
	case ev := <-b.C:
		t.Fatalf("b got %+v", ev)
	default:
	}
	if !h.Online("a") || h.Online("c") {
		t.Fatal("online")
	}
	b.Close()
	h.Close()
	if _, ok := <-a.C; ok {
		t.Fatal("channel open after hub close")
	}
	if _, ok := <-h.Subscribe("late").C; ok {
		t.Fatal("subscribe after close")
	}
	a.Close()
}

// A subscriber that stops reading must not hold up the others or silently
// miss events: once its buffer is full it is closed (its client reconnects
// and replays), while a reading subscriber of the same user gets every event.
func TestHubClosesFullSubscriberWithoutBlocking(t *testing.T) {
	h := NewHub()
	slow, fast := h.Subscribe("a"), h.Subscribe("a")
	n := cap(slow.C) + 10
	got := 0
	for i := 1; i <= n; i++ {
		h.Publish(Event{ID: int64(i), Recipients: []string{"a", "a"}})
		if ev := <-fast.C; ev.ID != int64(i) {
			t.Fatalf("fast got %d, want %d", ev.ID, i)
		}
		got++
	}
	if got != n {
		t.Fatal(got)
	}
	buffered := 0
	for range slow.C { // ends: the hub closed the slow subscriber
		buffered++
	}
	if buffered != cap(slow.C) {
		t.Fatalf("slow had %d buffered, want %d", buffered, cap(slow.C))
	}
	fast.Close()
	if h.Online("a") {
		t.Fatal("a still online after both subscriptions ended")
	}
	slow.Close() // closing an already dropped subscription is harmless
}
