// Package apperr defines the one error type that crosses from the domain
// services to the user: a kind (which maps to an HTTP status), a translation
// key the UI renders in the user's language, an English message for logs and
// API clients, and per-field keys for form validation.
//
// Internal causes are kept in Err for logging and are never serialised.
package apperr
