package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// OpenLocal opens (and migrates) a small SQLite database under dir that one
// process of the desktop client keeps for itself (the sync index, the chat
// index). One writer and an occasional read: two connections, one kept
// idle, so an idle client holds one SQLite page cache instead of the
// server pool's eight.
func OpenLocal(ctx context.Context, dir string, migrations []Migration) (*gorm.DB, error) {
	db, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		return nil, err
	}
	if err := Migrate(db, migrations); err != nil {
		_ = Close(db)
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(2)
		sqlDB.SetMaxIdleConns(1)
		sqlDB.SetConnMaxIdleTime(time.Minute)
	}
	return db, nil
}
