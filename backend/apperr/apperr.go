package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind is the coarse class of an error; it decides the HTTP status (api's
// statusOf) and is the
// "code" of the API error body (see docs/ARCHITECTURE.md, Errors).
type Kind string

// The kinds of docs/ARCHITECTURE.md (Errors). Keep in step with api's statusOf.
const (
	KindInvalid         Kind = "invalid"
	KindUnauthenticated Kind = "unauthenticated"
	KindForbidden       Kind = "forbidden"
	KindNotFound        Kind = "not_found"
	KindConflict        Kind = "conflict"
	KindTooLarge        Kind = "too_large"
	KindRateLimited     Kind = "rate_limited"
	KindUnavailable     Kind = "unavailable"
	KindInternal        Kind = "internal"
)

// Error is a user-facing error. Key is the i18n key under "errors." in the
// frontend catalogs (e.g. "org.email_taken"); Message is the English text.
// Fields maps a request field to a field-level key such as "required".
type Error struct {
	Kind    Kind
	Key     string
	Message string
	Fields  map[string]string
	Err     error
	// RetryAfter, on a rate-limited error, is when the caller may try again:
	// the API sends it as the Retry-After header of the 429.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

// Unwrap exposes the internal cause to errors.Is / errors.As.
func (e *Error) Unwrap() error { return e.Err }

// WithField returns a copy of e with one more field error.
func (e *Error) WithField(field, key string) *Error {
	c := *e
	c.Fields = make(map[string]string, len(e.Fields)+1)
	for k, v := range e.Fields {
		c.Fields[k] = v
	}
	c.Fields[field] = key
	return &c
}

// WithRetryAfter returns a copy of e that tells the caller to wait d.
func (e *Error) WithRetryAfter(d time.Duration) *Error {
	c := *e
	c.RetryAfter = d
	return &c
}

// Wrap returns a copy of e that carries cause for logs.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

func newErr(kind Kind, key, msg string) *Error {
	return &Error{Kind: kind, Key: key, Message: msg}
}

// Invalid reports bad input (400).
func Invalid(key, msg string) *Error { return newErr(KindInvalid, key, msg) }

// Unauthenticated reports a missing or bad credential (401).
func Unauthenticated(key, msg string) *Error { return newErr(KindUnauthenticated, key, msg) }

// Forbidden reports an authenticated caller lacking permission (403).
func Forbidden(key, msg string) *Error { return newErr(KindForbidden, key, msg) }

// NotFound reports a missing resource (404). Services also use it instead of
// Forbidden when revealing existence would leak information.
func NotFound(key, msg string) *Error { return newErr(KindNotFound, key, msg) }

// Conflict reports a state clash: a stale version, a duplicate, a double booking (409).
func Conflict(key, msg string) *Error { return newErr(KindConflict, key, msg) }

// TooLarge reports an oversized request or a full quota (413).
func TooLarge(key, msg string) *Error { return newErr(KindTooLarge, key, msg) }

// RateLimited reports too many attempts (429).
func RateLimited(key, msg string) *Error { return newErr(KindRateLimited, key, msg) }

// Unavailable is a request the server cannot take now (too busy); it
// carries RetryAfter.
func Unavailable(key, msg string) *Error { return newErr(KindUnavailable, key, msg) }

// As finds an *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsKind reports whether err is an *Error of the given kind.
func IsKind(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}
