package syncagent

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Shrink the debounce so the tests run in milliseconds, like Syncthing's
	// watchaggregator tests.
	notifyQuiet = 20 * time.Millisecond
	notifyMax = 150 * time.Millisecond
	maxFilesPerDir = 5
	maxFiles = 20
	os.Exit(m.Run())
}

func recvBatch(t *testing.T, a *aggregator, within time.Duration) []string {
	t.Helper()
	select {
	case b := <-a.C():
		return b
	case <-time.After(within):
		t.Fatal("no batch")
		return nil
	}
}

func TestAggregatorQuietDebounce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAggregator()
	go a.Serve(ctx)
	start := time.Now()
	a.Add("a.txt")
	a.Add("a.txt")
	a.Add("b/c.txt")
	b := recvBatch(t, a, time.Second)
	if !reflect.DeepEqual(b, []string{"a.txt", "b/c.txt"}) {
		t.Fatalf("batch %v", b)
	}
	if el := time.Since(start); el < notifyQuiet {
		t.Fatalf("delivered after %v, before the quiet period", el)
	}
}

func TestAggregatorMaxDelayWhileBusy(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAggregator()
	go a.Serve(ctx)
	stop := time.After(2 * notifyMax)
	got := make(chan []string, 1)
	go func() { got <- recvBatch(t, a, time.Second) }()
	start := time.Now()
loop:
	for {
		select {
		case <-stop:
			break loop
		case b := <-got:
			if el := time.Since(start); el > notifyMax+notifyQuiet+50*time.Millisecond {
				t.Errorf("busy path waited %v, more than the max", el)
			}
			if !reflect.DeepEqual(b, []string{"busy.log"}) {
				t.Errorf("batch %v", b)
			}
			return
		default:
			a.Add("busy.log")
			time.Sleep(notifyQuiet / 4)
		}
	}
	t.Fatal("a constantly changing path was never delivered")
}

func TestAggregatorCollapse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAggregator()
	go a.Serve(ctx)
	for i := range maxFilesPerDir + 1 {
		a.Add(fmt.Sprintf("dir/f%d", i))
	}
	a.Add("other.txt")
	if b := recvBatch(t, a, time.Second); !reflect.DeepEqual(b, []string{"dir", "other.txt"}) {
		t.Fatalf("batch %v", b)
	}
	for i := range maxFiles + 1 {
		a.Add(fmt.Sprintf("d%d/f", i))
	}
	if b := recvBatch(t, a, time.Second); !reflect.DeepEqual(b, []string{""}) {
		t.Fatalf("batch %v, want the whole folder", b)
	}
}

func TestAggregatorAddNowSkipsDebounce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAggregator()
	go a.Serve(ctx)
	a.AddNow("sub")
	if b := recvBatch(t, a, notifyQuiet/2); !reflect.DeepEqual(b, []string{"sub"}) {
		t.Fatalf("batch %v", b)
	}
}

// A path renamed away waits for its new name, which the watcher reports
// later than a plain event (after it has watched the moved folder), and
// both go in one batch: one pass sees the move. With nothing following it
// (moved out of the folder) it goes after notifyMax.
func TestAggregatorRenameWaitsForItsNewName(t *testing.T) {
	a := newAggregator()
	now := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
	a.now = func() time.Time { return now }
	a.AddRename("old")
	now = now.Add(3 * notifyQuiet) // the watcher is still adding watches in the moved folder
	if b, _ := a.due(); len(b) != 0 {
		t.Fatalf("the old name went alone: %v", b)
	}
	a.Add("new")
	now = now.Add(notifyQuiet / 2)
	a.Add("other/file.txt")
	now = now.Add(notifyQuiet)
	if b, _ := a.due(); !reflect.DeepEqual(b, []string{"new", "old", "other/file.txt"}) {
		t.Fatalf("batch %v, want the old and the new name together", b)
	}
	a.AddRename("gone")
	now = now.Add(notifyMax - time.Millisecond)
	if b, _ := a.due(); len(b) != 0 {
		t.Fatalf("batch %v before notifyMax", b)
	}
	now = now.Add(time.Millisecond)
	if b, _ := a.due(); !reflect.DeepEqual(b, []string{"gone"}) {
		t.Fatalf("batch %v, want the renamed path once notifyMax passed", b)
	}
}
