package server

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"tack/backend/store/storetest"
)

// Every background loop is registered with AddJob, so a web replica runs
// none of them; the dispatcher (live streams, notifications) runs on every
// role. A job started elsewhere (a goroutine in a constructor) would not
// show here: TestRoleJobsReplica and the deploy smoke test see behaviour.
func TestRoleChoosesJobs(t *testing.T) {
	jobs := []string{"approval.Job", "attendance.Job", "chat.BusyJob", "chat.RetentionJob", "drive.Job", "meeting.Job", "notify.EmailJob",
		"notify.EscalationJob", "report.Job"}
	for _, tc := range []struct {
		role string
		want []string
	}{
		{RoleWeb, []string{"*notify.Dispatcher"}},
		{RoleJobs, append([]string{"*notify.Dispatcher"}, jobs...)},
		{RoleAll, append([]string{"*notify.Dispatcher"}, jobs...)},
		{"", append([]string{"*notify.Dispatcher"}, jobs...)},
	} {
		t.Run("role="+tc.role, func(t *testing.T) {
			s, err := New(context.Background(), Config{DataDir: storetest.SQLiteDataDir(t, Migrations()), Role: tc.role}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got []string
			for _, j := range s.running() {
				got = append(got, fmt.Sprintf("%T", j))
			}
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("role %q runs %v, want %v", tc.role, got, tc.want)
			}
		})
	}
	if _, err := New(context.Background(), Config{DataDir: t.TempDir(), Role: "worker"}, nil, nil); err == nil {
		t.Error("role worker accepted")
	}
}
