package drive

// RereadBytes is how many bytes commits of this service read back from the
// blob store to verify whole contents (uploads_runhash.go).
func (s *Service) RereadBytes() int64 { return s.runs.reread.Load() }

// BatchRows exposes the slice size of multi-row statements to the external
// tests, so a large-file test can check its chunk list spans several slices.
const BatchRows = batchRows
