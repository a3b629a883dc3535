//go:build !windows

package syncagent

// isLockedErr: only Windows locks files against reading.
func isLockedErr(error) bool { return false }
