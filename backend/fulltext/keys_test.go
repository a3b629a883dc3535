package fulltext_test

import (
	"context"
	"slices"
	"testing"

	"gorm.io/gorm"

	"tack/backend/fulltext"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// A keyed index with the stored token set, created as an index of old and
// then moved to the stored column, as a domain that adds it later does.
var keyedIndex = fulltext.Index{Table: "fulltexttest_keyed_fts", Stored: true}

var keyedMigrations = []store.Migration{
	{ID: "fulltexttest-0001-notes", SQL: `CREATE TABLE fulltexttest_notes (id TEXT PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL)`},
	keyedIndex.Migration("fulltexttest-0002-keyed"),
	keyedIndex.StoredVector("fulltexttest-0003-stored"),
}

// Within finds only documents carrying one of the keys; no text or query
// word reaches a key; PutAll and PutKeyed index alike.
func TestWithinKeys(t *testing.T) {
	storetest.Each(t, keyedMigrations, func(t *testing.T, db *gorm.DB) {
		err := store.WriteTx(context.Background(), db, func(tx *gorm.DB) error {
			for _, n := range []note{{"n1", "ann", ""}, {"n2", "bob", ""}, {"n3", "ann", ""}, {"n4", "cy", ""}} {
				if err := tx.Save(&n).Error; err != nil {
					return err
				}
			}
			if err := keyedIndex.PutKeyed(tx, "n1", "项目进度 uann", []string{"uAnn", "dSales"}); err != nil {
				return err
			}
			return keyedIndex.PutAll(tx, []fulltext.Doc{
				{ID: "n2", Text: "项目进度 §uann", Keys: []string{"ubob"}},
				{ID: "n3", Text: "项目", Keys: []string{"uann", "uann"}},
				{ID: "n4", Text: "项目", Keys: []string{"dsales"}},
				{ID: "n5", Text: "!!!", Keys: []string{"uann"}}, // no tokens: skipped
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		find := func(q string, keys ...string) []string {
			var notes []note
			s := keyedIndex.Parse(q).Within(keys...)
			if err := db.Scopes(s.Scope("fulltexttest_notes AS n", "n.id", fulltext.Newest)).Limit(50).Find(&notes).Error; err != nil {
				t.Fatalf("search %q %v: %v", q, keys, err)
			}
			ids := []string{}
			for _, n := range notes {
				ids = append(ids, n.ID)
			}
			return ids
		}
		scenarios := []struct {
			q    string
			keys []string
			want []string
		}{
			{"项目", nil, []string{"n4", "n3", "n2", "n1"}},
			{"项目", []string{"uann"}, []string{"n3", "n1"}},
			{"项目", []string{"UANN"}, []string{"n3", "n1"}}, // keys fold like words
			{"项目进度", []string{"uann"}, []string{"n1"}},
			{"项目", []string{"ubob", "dsales"}, []string{"n4", "n2", "n1"}},
			{"项目", []string{"unobody"}, []string{}},
			{"uann", nil, []string{"n2", "n1"}},         // the word in n1 and n2, never n3 by its key
			{"§uann", []string{"ubob"}, []string{"n2"}}, // § is a separator in text and query
			{"§", nil, []string{}},
		}
		for _, s := range scenarios {
			if got := find(s.q, s.keys...); !slices.Equal(got, s.want) {
				t.Errorf("search %q within %v = %v, want %v", s.q, s.keys, got, s.want)
			}
		}
		ids, err := keyedIndex.Parse("项目").Within("dsales").IDs(db, 10)
		if err != nil || !slices.Equal(ids, []string{"n4", "n1"}) {
			t.Errorf("IDs within dsales = %v, %v", ids, err)
		}
	})
}

func TestKeyMustBeLettersAndDigits(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a key with a space was accepted")
		}
	}()
	keyedIndex.Parse("x").Within("u ann")
}
