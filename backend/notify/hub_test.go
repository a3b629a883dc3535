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
