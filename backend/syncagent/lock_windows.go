package syncagent

import (
	"errors"
	"syscall"
)

// isLockedErr: another program holds the file open without sharing it
// (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION), e.g. Outlook's .pst.
func isLockedErr(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == 32 || errno == 33)
}
