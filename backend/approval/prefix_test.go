package approval_test

import (
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/server/servertest"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

// Two admins saving templates with one prefix at the same moment: the
// pre-check alone lets both through on PostgreSQL (READ COMMITTED), the
// unique index lets one commit and the others get the pre-check's answer.
func TestConcurrentTemplatePrefix(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		admin := actor(t, e, adminID(t, e, c))
		flow := approval.Flow{Nodes: []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverManager}, "")}}
		check := func(what string, errs []error) {
			t.Helper()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
					continue
				}
				if ae, isApp := apperr.As(err); !isApp || ae.Kind != apperr.KindInvalid || ae.Fields["prefix"] != "duplicate" {
					t.Fatalf("%s: loser got %v, want the 400 prefix field error", what, err)
				}
			}
			if ok != 1 {
				t.Fatalf("%s: %d of %d succeeded, want exactly 1", what, ok, len(errs))
			}
		}
		const n = 8
		for round := range 3 {
			prefix := fmt.Sprintf("RC%c", 'A'+round)
			check("create "+prefix, atOnce(n, func(i int) error {
				_, err := e.Server.Approval.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: prefix,
					NameZh: fmt.Sprintf("并发%d", i), Fields: []approval.Field{}, Flow: &flow})
				return err
			}))
		}
		// Renaming different templates to one free prefix at once.
		var ids []string
		for i := range n {
			tp, err := e.Server.Approval.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: fmt.Sprintf("UP%c", 'A'+i),
				NameZh: "改名", Fields: []approval.Field{}, Flow: &flow})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tp.ID)
		}
		check("update", atOnce(n, func(i int) error {
			_, err := e.Server.Approval.UpdateTemplate(ctx, admin, ids[i], approval.TemplateInput{Prefix: "UPZ", Version: 1})
			return err
		}))
		var dup []string
		e.Server.DB.Model(&approval.Template{}).Where("prefix <> ''").Group("prefix").Having("COUNT(*) > 1").Pluck("prefix", &dup)
		if len(dup) > 0 {
			t.Fatalf("prefixes shared: %v", dup)
		}
	})
}

// Databases from before the prefix check may hold shared prefixes: the
// migration keeps the built-in's (or the oldest) and renames the others
// before it adds the index; empty prefixes may repeat.
func TestUniquePrefixMigration(t *testing.T) {
	all := approval.Migrations()
	var before []store.Migration
	for _, m := range all {
		if m.ID == "approval-0007-unique-prefix" {
			break
		}
		before = append(before, m)
	}
	storetest.Each(t, before, func(t *testing.T, db *gorm.DB) {
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		rows := []approval.Template{
			{ID: "c1", Prefix: "QJ", NameZh: "自定义请假", CreatedAt: t0, UpdatedAt: t0},
			{ID: "b1", BuiltinKey: "leave", Prefix: "QJ", NameZh: "请假", CreatedAt: t0.Add(time.Hour), UpdatedAt: t0},
			{ID: "c2", Prefix: "QJ", NameZh: "又一个", CreatedAt: t0.Add(2 * time.Hour), UpdatedAt: t0},
			{ID: "c3", Prefix: "QJA", NameZh: "已占用", CreatedAt: t0, UpdatedAt: t0},
			{ID: "e1", Prefix: "", NameZh: "旧1", CreatedAt: t0, UpdatedAt: t0},
			{ID: "e2", Prefix: "", NameZh: "旧2", CreatedAt: t0, UpdatedAt: t0},
		}
		for i := range rows {
			rows[i].Version, rows[i].CurrentVersion = 1, 1
			if err := db.Omit("SelfApproval", "SelfApprovalUser").Create(&rows[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := store.Migrate(db, all); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		var ts []approval.Template
		db.Find(&ts)
		for _, tp := range ts {
			got[tp.ID] = tp.Prefix
		}
		want := map[string]string{"b1": "QJ", "c1": "QJB", "c2": "QJC", "c3": "QJA", "e1": "", "e2": ""}
		for id, p := range want {
			if got[id] != p {
				t.Fatalf("prefixes after migration %v, want %v", got, want)
			}
		}
		dup := approval.Template{ID: "c4", Prefix: "QJ", NameZh: "x", CreatedAt: t0, UpdatedAt: t0}
		if err := db.Create(&dup).Error; !store.IsDuplicate(err) {
			t.Fatalf("second QJ: %v, want a duplicate-key error", err)
		}
	})
}

// A built-in added by an upgrade whose prefix an admin's template already
// uses is installed with a free prefix of the same shape, not left out.
func TestBuiltinTakesAFreePrefixWhenItsOwnIsTaken(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		admin := actor(t, e, adminID(t, e, c))
		// As before the upgrade that brought the leave template: it is not installed.
		var leave approval.Template
		if err := e.Server.DB.Where("builtin_key = ?", "leave").First(&leave).Error; err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"DELETE FROM approval_template_versions WHERE template_id = ?", "DELETE FROM approval_templates WHERE id = ?"} {
			if err := e.Server.DB.Exec(q, leave.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		flow := approval.Flow{Nodes: []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverManager}, "")}}
		if _, err := e.Server.Approval.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: leave.Prefix, NameZh: "请假（旧）",
			Fields: []approval.Field{}, Flow: &flow}); err != nil {
			t.Fatal(err)
		}
		if err := e.Server.Approval.EnsureBuiltins(ctx); err != nil {
			t.Fatal(err)
		}
		var got approval.Template
		if err := e.Server.DB.Where("builtin_key = ?", "leave").First(&got).Error; err != nil {
			t.Fatalf("the leave template was not installed: %v", err)
		}
		if got.Prefix != leave.Prefix+"A" {
			t.Fatalf("leave prefix %q, want %q", got.Prefix, leave.Prefix+"A")
		}
	})
}

// Templates from before prefixes were required number as SP: a new template
// may not take SP while one of them exists, or the two would share numbers.
func TestSPIsTakenByTemplatesWithoutAPrefix(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		c := setupCompany(t, e)
		admin := actor(t, e, adminID(t, e, c))
		flow := approval.Flow{Nodes: []approval.Node{node("a", approval.NodeApprover, approval.ApproverSpec{Kind: approval.ApproverManager}, "")}}
		old, err := e.Server.Approval.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: "OLD", NameZh: "旧模板", Fields: []approval.Field{}, Flow: &flow})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Server.DB.Exec("UPDATE approval_templates SET prefix = '' WHERE id = ?", old.ID).Error; err != nil {
			t.Fatal(err)
		}
		_, err = e.Server.Approval.CreateTemplate(ctx, admin, approval.TemplateInput{Prefix: "SP", NameZh: "新模板", Fields: []approval.Field{}, Flow: &flow})
		if ae, ok := apperr.As(err); !ok || ae.Fields["prefix"] != "duplicate" {
			t.Fatalf("SP with a prefix-less template present: %v, want prefix: duplicate", err)
		}
	})
}
