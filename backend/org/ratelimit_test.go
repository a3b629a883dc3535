package org_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/org"
	"tack/backend/store/storetest"
)

// Failures slow down only the (account, IP) pair that made them, with a
// delay that doubles; nobody else is locked out of the account.
func TestLoginProgressiveDelayPerAccountAndIP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		login := func(pw, ip string) error {
			_, err := f.svc.Login(ctx, org.LoginRequest{Email: "ada@example.com", Password: pw, IP: ip})
			return err
		}
		for i := 0; i < 5; i++ {
			wantKey(t, login("wrong", "10.6.6.6"), "auth.bad_credentials")
		}
		// The attacker's address waits 1 s, then 2 s, then 4 s …
		for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
			wantKey(t, login("wrong", "10.6.6.6"), "auth.rate_limited")
			f.clk.Advance(d - time.Millisecond)
			wantKey(t, login("wrong", "10.6.6.6"), "auth.rate_limited")
			f.clk.Advance(time.Millisecond)
			wantKey(t, login("wrong", "10.6.6.6"), "auth.bad_credentials")
		}
		// … while the owner signs in from their own address at once.
		if err := login("correct horse", "10.0.0.1"); err != nil {
			t.Fatalf("owner locked out by a stranger: %v", err)
		}
	})
}

// Behind a proxy every sign-in comes from one address. A stranger's failures
// across many accounts slow down newcomers from that address, but not
// colleagues who have signed in from there before.
func TestLoginSharedProxyAddressDoesNotLockOutTheCompany(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		f.user(t, "bo@x.com", "", nil)
		f.user(t, "new@x.com", "", nil)
		const proxy = "192.168.1.1"
		if _, err := f.svc.Login(ctx, org.LoginRequest{Email: "bo@x.com", Password: "password123", IP: proxy}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 30; i++ {
			_, err := f.svc.Login(ctx, org.LoginRequest{Email: fmt.Sprintf("guess%d@x.com", i), Password: "x", IP: proxy})
			if err == nil {
				t.Fatal("a guess signed in")
			}
		}
		if _, err := f.svc.Login(ctx, org.LoginRequest{Email: "bo@x.com", Password: "password123", IP: proxy}); err != nil {
			t.Fatalf("a colleague who signed in before is locked out: %v", err)
		}
		_, err := f.svc.Login(ctx, org.LoginRequest{Email: "new@x.com", Password: "password123", IP: proxy})
		wantKey(t, err, "auth.rate_limited") // a newcomer waits (spraying stays slow)
	})
}

// The attempt is counted before the password is hashed: a burst of parallel
// wrong passwords for one account hashes at most the allowance, and never
// more hashes run at once than there are hashing slots.
func TestLoginBurstIsCountedBeforeHashing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		before, _ := f.svc.PasswordWork()
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.Login(ctx, org.LoginRequest{Email: "ada@example.com", Password: "wrong", IP: "10.6.6.6"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		keys := map[string]int{}
		for err := range errs {
			e, _ := apperr.As(err)
			if e == nil {
				t.Fatalf("unexpected %v", err)
			}
			keys[e.Key]++
		}
		after, peak := f.svc.PasswordWork()
		if after-before > 5 || keys["auth.bad_credentials"] > 5 || keys["auth.rate_limited"] < 195 {
			t.Fatalf("%d hashes, answers %v", after-before, keys)
		}
		if peak > int64(max(2, runtime.NumCPU())) {
			t.Fatalf("%d hashes at once", peak)
		}
	})
}

// A deactivated account answers exactly like a wrong password, whether the
// password was right or not.
func TestLoginDeactivatedRevealsNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		u := f.user(t, "gone@x.com", "", nil)
		if _, err := f.svc.Deactivate(ctx, f.admin, u.ID); err != nil {
			t.Fatal(err)
		}
		_, right := f.svc.Login(ctx, org.LoginRequest{Email: "gone@x.com", Password: "password123", IP: "10.0.0.9"})
		_, wrong := f.svc.Login(ctx, org.LoginRequest{Email: "gone@x.com", Password: "password124", IP: "10.0.0.9"})
		_, unknown := f.svc.Login(ctx, org.LoginRequest{Email: "nobody@x.com", Password: "password123", IP: "10.0.0.9"})
		if right == nil || right.Error() != wrong.Error() || right.Error() != unknown.Error() {
			t.Fatalf("right %v / wrong %v / unknown %v", right, wrong, unknown)
		}
	})
}

// Memory stays bounded under a burst the limiter lets through (every attempt
// from its own address): argon2id holds 19 MiB per hash, and only the
// hashing slots' worth is ever live, not one per attempt. Not parallel, so
// no other test's memory is measured with it.
func TestLoginBurstMemoryBounded(t *testing.T) {
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixtureCost(t, db, org.PasswordCost{}) // the default: 19 MiB per hash
		slots := max(2, runtime.NumCPU())
		n := 10 * slots
		// Collect eagerly, so the heap follows what is live (the hashes)
		// rather than the collector's pacing.
		defer debug.SetGCPercent(debug.SetGCPercent(10))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		var peak uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.Login(ctx, org.LoginRequest{Email: "ada@example.com", Password: "wrong", IP: fmt.Sprintf("10.1.%d.%d", i/250, i%250)})
				if e, _ := apperr.As(err); e == nil || (e.Key != "auth.bad_credentials" && e.Key != "auth.busy") {
					t.Errorf("attempt %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-sampled
		const hash = 19 << 20
		limit := base + uint64(2*(slots+1)*hash+32<<20) // live hashes with the collector's headroom, and slack
		t.Logf("heap peak %d MiB over %d MiB before (limit %d MiB)", (peak-base)>>20, base>>20, (limit-base)>>20)
		if peak > limit {
			t.Fatalf("heap peaked at %d MiB over %d MiB before (limit %d MiB; %d attempts would be %d MiB unbounded)",
				(peak-base)>>20, base>>20, (limit-base)>>20, n, n*hash>>20)
		}
	})
}
