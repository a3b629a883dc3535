//go:build !windows

package sync

// isLockedErr: only Windows locks files against reading.
func isLockedErr(error) bool { return false }
