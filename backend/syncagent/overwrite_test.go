package syncagent

import (
	"fmt"
	"testing"
)

// A mass overwrite (every file of the folder gets new content at once, as
// ransomware does) is held like a mass delete: nothing goes up, the drive
// keeps each file as it was, the status asks for confirmation; confirmed,
// the new content goes up as new versions of the same entries. Everyday
// edits of a few files go up at once.
func TestMassOverwriteIsHeld(t *testing.T) {
	eachDrive(t, func(t *testing.T, s *syncEnv) {
		e, p := s.engine(ModeBackup)
		for i := range 30 {
			s.write(fmt.Sprintf("doc%02d.txt", i), fmt.Sprintf("report %d", i))
		}
		s.once(e)
		before := s.remote()

		for i := range 3 {
			s.write(fmt.Sprintf("doc%02d.txt", i), fmt.Sprintf("report %d, edited", i))
		}
		s.once(e)
		if st := e.Status()[0]; st.State != StateSynced || st.PendingOverwrite != 0 {
			t.Fatalf("three edits held: %+v", st)
		}
		s.wantRemote("doc00.txt", "report 0, edited")

		for i := range 30 {
			s.write(fmt.Sprintf("doc%02d.txt", i), fmt.Sprintf("ENCRYPTED %d !!!", i))
		}
		s.once(e)
		st := e.Status()[0]
		if st.State != StateNeedsConfirmation || st.PendingOverwrite != 30 {
			t.Fatalf("after the mass overwrite: %+v", st)
		}
		s.wantRemote("doc10.txt", "report 10")
		s.wantRemote("doc01.txt", "report 1, edited")
		s.once(e) // still held on the next pass
		s.wantRemote("doc20.txt", "report 20")
		// The program touches a held file again: a pass over that one file
		// (as the watcher starts) must not let it through.
		s.write("doc05.txt", "ENCRYPTED 5 again")
		r, _ := e.runner(p.ID)
		if _, err := r.pass(t.Context(), []string{"doc05.txt"}); err != nil {
			t.Fatal(err)
		}
		s.wantRemote("doc05.txt", "report 5")
		s.write("doc05.txt", "ENCRYPTED 5 !!!")
		if st := e.Status()[0]; st.PendingOverwrite != 30 {
			t.Fatalf("the hold went away by itself: %+v", st)
		}

		if err := e.ConfirmOverwrites(p.ID); err != nil {
			t.Fatal(err)
		}
		s.once(e)
		if st := e.Status()[0]; st.State != StateSynced || st.PendingOverwrite != 0 {
			t.Fatalf("after confirming: %+v", st)
		}
		after := s.remote()
		for i := range 30 {
			name := fmt.Sprintf("doc%02d.txt", i)
			s.wantRemote(name, fmt.Sprintf("ENCRYPTED %d !!!", i))
			if after[name].EntryID != before[name].EntryID || after[name].Version <= before[name].Version {
				t.Fatalf("%s: %+v → %+v, want a new version of the same entry", name, before[name], after[name])
			}
		}
	})
}
