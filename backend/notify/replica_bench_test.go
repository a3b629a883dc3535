package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/notify"
	"tack/backend/server/servertest"
)

// BenchmarkBurstReplicasPostgres: a burst of 500 events reaching the hubs of
// 1 or 3 replicas on one PostgreSQL database. Reported per event: the time
// until every replica's hub has it, and writes/event, how many replicas'
// dispatchers wrote its notifications (the lease makes it 1 whatever the
// number of replicas; before it, every replica wrote every event).
//
//	go test ./backend/notify -run '^$' -bench BurstReplicas -benchtime 5x
func BenchmarkBurstReplicasPostgres(b *testing.B) {
	for _, replicas := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			const burst, writers = 500, 10
			e := servertest.NewPostgres(b)
			adminTok, admin := e.Setup()
			u, _ := e.NewUser(adminTok, "")
			svcs := []*notify.Service{e.Server.Notify}
			for i := 1; i < replicas; i++ {
				s, _, _ := e.Replica(b, "tack-bench")
				svcs = append(svcs, s.Notify)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var running sync.WaitGroup
			subs := make([]*notify.Subscription, len(svcs))
			for i, s := range svcs {
				subs[i] = s.Hub().Subscribe(u.ID)
				running.Add(1)
				go func() { defer running.Done(); _ = s.NewDispatcher().Serve(ctx) }()
			}
			defer func() { cancel(); running.Wait() }()
			written := func() (n int64) {
				for _, s := range svcs {
					n += s.EventsWritten()
				}
				return n
			}
			before := written()
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				var wg sync.WaitGroup
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for k := w; k < burst; k += writers {
							err := e.Server.DB.Transaction(func(tx *gorm.DB) error {
								return notify.Emit(tx, &notify.Event{Type: "task.assigned", ActorID: admin.ID,
									Recipients: []string{u.ID}, Data: map[string]any{"title": "bench"}})
							})
							if err != nil {
								b.Error(err)
							}
						}
					}()
				}
				for _, sub := range subs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range burst {
							select {
							case <-sub.C:
							case <-time.After(60 * time.Second):
								b.Error("a replica's hub fell silent")
								return
							}
						}
					}()
				}
				wg.Wait()
			}
			b.StopTimer()
			events := float64(b.N * burst)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/events, "ns/event")
			b.ReportMetric(float64(written()-before)/events, "writes/event")
		})
	}
}
