// Package store opens the database (SQLite through the pure-Go
// github.com/glebarez/sqlite by default, PostgreSQL when a DSN is given) and
// applies versioned migrations. It is the only place that knows which of the
// two it talks to; domain packages write portable SQL through gorm.
package store
