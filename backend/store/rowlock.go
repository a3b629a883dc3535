package store

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ForUpdate makes the rows a query reads stay locked, exclusively, until
// the transaction ends, on PostgreSQL. SQLite's write transactions begin
// IMMEDIATE (one writer at a time), so there it adds nothing.
func ForUpdate(tx *gorm.DB) *gorm.DB { return rowLock(tx, clause.LockingStrengthUpdate) }

// ForShare is ForUpdate with a shared lock: other readers that share it go
// on; a writer of those rows waits for the transaction to end.
func ForShare(tx *gorm.DB) *gorm.DB { return rowLock(tx, clause.LockingStrengthShare) }

func rowLock(tx *gorm.DB, strength string) *gorm.DB {
	if IsPostgres(tx) {
		return tx.Clauses(clause.Locking{Strength: strength})
	}
	return tx
}
