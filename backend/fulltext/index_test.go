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

var noteIndex = fulltext.Index{Table: "fulltexttest_note_fts"}

// A small domain: notes with an owner, whose readers are their owners.
var migrations = []store.Migration{
	{ID: "fulltexttest-0001-notes", SQL: `CREATE TABLE fulltexttest_notes (id TEXT PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL)`},
	noteIndex.Migration("fulltexttest-0002-fts"),
}

type note struct {
	ID, Owner, Body string
}

func (note) TableName() string { return "fulltexttest_notes" }

func put(t *testing.T, db *gorm.DB, n note) {
	t.Helper()
	err := store.WriteTx(context.Background(), db, func(tx *gorm.DB) error {
		if err := tx.Save(&n).Error; err != nil {
			return err
		}
		return noteIndex.Put(tx, n.ID, n.Body)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// search returns the IDs of owner's notes matching q, as a domain would.
func search(t *testing.T, db *gorm.DB, owner, q string, order fulltext.Order) []string {
	t.Helper()
	s := noteIndex.Parse(q)
	var notes []note
	err := db.Scopes(s.Scope("fulltexttest_notes AS n", "n.id", order)).Where("n.owner = ?", owner).Limit(50).Find(&notes).Error
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	ids := []string{}
	for _, n := range notes {
		ids = append(ids, n.ID)
	}
	return ids
}

func TestSearch(t *testing.T) {
	storetest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		for _, n := range []note{
			{"n1", "ann", "明天下午三点开会，讨论项目进度"},
			{"n2", "ann", "进度项目：倒过来写的"},
			{"n3", "ann", "Please REVIEW the Tack iOS release notes"},
			{"n4", "bob", "项目进度 is bob's, not ann's"},
			{"n5", "ann", "报销单已提交 👍"},
			{"n6", "ann", `标题里有 "引号" 和 OR NOT 运算符*`},
		} {
			put(t, db, n)
		}
		scenarios := []struct {
			q    string
			want []string // ann's, newest first
		}{
			{"项目", []string{"n2", "n1"}}, // two-character word
			{"项目进度", []string{"n1"}},     // phrase order: n2 has 进度项目
			{"进度项目", []string{"n2"}},
			{"目进", []string{"n1"}},          // inside a word
			{"报", []string{"n5"}},           // one character, first of its run
			{"销", []string{"n5"}},           // one character inside a run
			{"交", []string{"n5"}},           // one character, last of its run
			{"review", []string{"n3"}},      // mixed case Latin
			{"ios RELEASE", []string{"n3"}}, // words in any case, AND
			{"rev", []string{"n3"}},         // prefix
			{"项目 review", []string{}},       // AND across groups
			{"开会 进度", []string{"n1"}},
			{"ｒｅｖｉｅｗ", []string{"n3"}},                    // full-width input
			{`"`, []string{}},                             // hostile input: no error, no match
			{`" OR "a`, []string{}},                       //
			{`OR`, []string{"n6"}},                        // an operator word is a word
			{`NOT 引号`, []string{"n6"}},                    //
			{`*`, []string{}},                             //
			{`标题 AND (NEAR("x" "y") OR ^引号)`, []string{}}, // x and y are not in n6
			{`引号"*`, []string{"n6"}},
			{`'; DROP TABLE fulltexttest_notes; --`, []string{}},
			{"🎉", []string{}},
		}
		for _, s := range scenarios {
			if got := search(t, db, "ann", s.q, fulltext.Newest); !slices.Equal(got, s.want) {
				t.Errorf("search %q = %v, want %v", s.q, got, s.want)
			}
		}
		// Bob's note never shows to ann: the domain's filter applies.
		if got := search(t, db, "bob", "项目", fulltext.Newest); !slices.Equal(got, []string{"n4"}) {
			t.Errorf("bob's search = %v", got)
		}
		if got := search(t, db, "ann", "项目", fulltext.Best); len(got) != 2 {
			t.Errorf("best-first search = %v, want both of ann's", got)
		}
		ids, err := noteIndex.Parse("项目").IDs(db, 10)
		if err != nil || !slices.Equal(ids, []string{"n4", "n2", "n1"}) {
			t.Errorf("IDs = %v, %v", ids, err)
		}
	})
}

func TestUpdateAndDelete(t *testing.T) {
	storetest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		put(t, db, note{"a", "ann", "第一版：预算"})
		put(t, db, note{"b", "ann", "预算表"})
		put(t, db, note{"a", "ann", "第二版：合同"}) // an edit replaces the document
		if got := search(t, db, "ann", "预算", fulltext.Newest); !slices.Equal(got, []string{"b"}) {
			t.Errorf("after the edit, 预算 = %v, want [b]", got)
		}
		if got := search(t, db, "ann", "合同", fulltext.Newest); !slices.Equal(got, []string{"a"}) {
			t.Errorf("after the edit, 合同 = %v, want [a]", got)
		}
		// The edit kept a's place: b was indexed after it.
		put(t, db, note{"b", "ann", "预算表 合同"})
		if got := search(t, db, "ann", "合同", fulltext.Newest); !slices.Equal(got, []string{"b", "a"}) {
			t.Errorf("newest first = %v, want [b a]", got)
		}
		err := store.WriteTx(context.Background(), db, func(tx *gorm.DB) error {
			if err := noteIndex.Delete(tx, "b"); err != nil {
				return err
			}
			return noteIndex.Delete(tx, "never-indexed")
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := search(t, db, "ann", "合同", fulltext.Newest); !slices.Equal(got, []string{"a"}) {
			t.Errorf("after delete, 合同 = %v, want [a]", got)
		}
		put(t, db, note{"a", "ann", "!!!"}) // no tokens left: no document
		if got := search(t, db, "ann", "合同", fulltext.Newest); len(got) != 0 {
			t.Errorf("after emptying, 合同 = %v", got)
		}
		// A rolled-back transaction leaves the index as it was.
		_ = store.WriteTx(context.Background(), db, func(tx *gorm.DB) error {
			if err := noteIndex.Put(tx, "b", "回滚"); err != nil {
				return err
			}
			return gorm.ErrInvalidTransaction
		})
		if got := search(t, db, "ann", "回滚", fulltext.Newest); len(got) != 0 {
			t.Errorf("a rolled-back Put is visible: %v", got)
		}
	})
}

// Every bigram of a phrase present, but apart, is not the phrase.
func TestPhraseNeedsAdjacentBigrams(t *testing.T) {
	storetest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		put(t, db, note{"apart", "ann", "项目。心目进取。进度"})
		put(t, db, note{"whole", "ann", "看项目进度"})
		if got := search(t, db, "ann", "项目进度", fulltext.Newest); !slices.Equal(got, []string{"whole"}) {
			t.Errorf("项目进度 = %v, want [whole]", got)
		}
		var n int64
		err := db.Scopes(noteIndex.Parse("项目").Scope("fulltexttest_notes AS n", "n.id", fulltext.Unordered)).Select("count(*)").Scan(&n).Error
		if err != nil || n != 2 {
			t.Errorf("count = %d, %v; want 2", n, err)
		}
		ids, err := noteIndex.Parse("项目进度").IDs(db, 10)
		if err != nil || !slices.Equal(ids, []string{"whole"}) {
			t.Errorf("IDs = %v, %v", ids, err)
		}
	})
}
