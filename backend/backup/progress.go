package backup

// Phases of long work, in Progress.Phase.
const (
	PhaseDatabase = "database" // dumping or loading tables
	PhaseChunks   = "chunks"   // copying chunks
	PhaseVerify   = "verify"   // hashing chunks or files
	PhasePrune    = "prune"    // removing old snapshots and chunks
)

// Progress is a snapshot of long-running work, for a progress display. The
// callback is called from the working goroutine; keep it quick.
type Progress struct {
	Phase       string
	Table       string // PhaseDatabase: the table in work
	Rows        int64  // PhaseDatabase: rows of Table so far
	Chunks      int    // chunks handled so far
	ChunksTotal int
	Copied      int   // chunks actually copied (the others were already there)
	Bytes       int64 // bytes of the handled chunks
	BytesTotal  int64
}

func report(fn func(Progress), p Progress) {
	if fn != nil {
		fn(p)
	}
}
