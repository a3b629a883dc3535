package backup_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"gorm.io/gorm"

	"tack/backend/backup"
	"tack/backend/fulltext"
	"tack/backend/server"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

var noteIndex = fulltext.Index{Table: "backuptest_note_fts"}

// withNotes is the server's schema plus a small domain with a full-text index.
func withNotes() []store.Migration {
	return append(server.Migrations(),
		store.Migration{ID: "backuptest-0001-notes", SQL: `CREATE TABLE backuptest_notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)`},
		noteIndex.Migration("backuptest-0002-fts"))
}

func findNotes(t *testing.T, db *gorm.DB, q string) []string {
	t.Helper()
	var ids []string
	err := db.Scopes(noteIndex.Parse(q).Scope("backuptest_notes AS n", "n.id", fulltext.Newest)).Select("n.id").Scan(&ids).Error
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// A full-text index is derived data: the backup holds its documents, not
// SQLite's FTS5 storage, and a restore into either database finds the same
// documents, and new ones after them.
func TestRoundTripKeepsFullTextSearch(t *testing.T) {
	migrations := withNotes()
	for _, from := range []string{"sqlite", "postgres"} {
		for _, to := range []string{"sqlite", "postgres"} {
			t.Run(from+"_to_"+to, func(t *testing.T) {
				var db *gorm.DB
				if from == "sqlite" {
					db = storetest.SQLite(t, migrations)
				} else {
					db = storetest.Postgres(t, migrations)
				}
				ctx := context.Background()
				err := store.WriteTx(ctx, db, func(tx *gorm.DB) error {
					for id, body := range map[string]string{"a": "明天讨论项目进度", "b": "报销单已提交"} {
						if err := tx.Exec(`INSERT INTO backuptest_notes (id, body) VALUES (?, ?)`, id, body).Error; err != nil {
							return err
						}
						if err := noteIndex.Put(tx, id, body); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				res, err := backup.Backup(ctx, sourceOf(t, db, t.TempDir()), opts(dir, &stepClock{}))
				if err != nil {
					t.Fatal(err)
				}
				files, _ := filepath.Glob(filepath.Join(res.Dir, "db", noteIndex.Table+"*"))
				if len(files) != 1 || filepath.Base(files[0]) != noteIndex.Table+"_doc.ndjson" {
					t.Errorf("the backup holds %v of the index, want only its documents", files)
				}
				tg := newTarget(t, to == "postgres")
				if _, err := backup.Restore(ctx, tg.src, backup.RestoreOptions{From: dir, Migrations: migrations}); err != nil {
					t.Fatal(err)
				}
				if got := findNotes(t, tg.src.DB, "项目"); !slices.Equal(got, []string{"a"}) {
					t.Errorf("after restore, 项目 finds %v", got)
				}
				if err := store.WriteTx(ctx, tg.src.DB, func(tx *gorm.DB) error {
					if err := tx.Exec(`INSERT INTO backuptest_notes (id, body) VALUES ('c', '项目复盘')`).Error; err != nil {
						return err
					}
					return noteIndex.Put(tx, "c", "项目复盘")
				}); err != nil {
					t.Fatal(err)
				}
				if got := findNotes(t, tg.src.DB, "项目"); !slices.Equal(got, []string{"c", "a"}) {
					t.Errorf("after restore and a new note, 项目 finds %v, want [c a]", got)
				}
			})
		}
	}
}
