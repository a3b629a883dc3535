package store

import (
	"errors"

	"gorm.io/gorm"
)

// IsNotFound reports whether err is gorm's record-not-found.
func IsNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// IsDuplicate reports whether err is a unique-constraint violation on either
// database (gorm translates both when TranslateError is on).
func IsDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }
