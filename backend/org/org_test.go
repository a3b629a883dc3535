package org_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

func migrations() []store.Migration {
	var all []store.Migration
	all = append(all, org.Migrations()...)
	all = append(all, audit.Migrations()...)
	all = append(all, notify.Migrations()...)
	return all
}

type fixture struct {
	db    *gorm.DB
	clk   *clock.Fake
	svc   *org.Service
	admin identity.Actor
	root  org.Department
}

var ctx = context.Background()

// cheapHashing is the password cost of the fixtures (servertest's): the
// default's 19 MiB and two passes per hash were most of this package's CPU
// time. Tests of the hashing itself use newFixtureCost with the default.
var cheapHashing = org.PasswordCost{MemoryKiB: 64, Time: 1}

func newFixture(t *testing.T, db *gorm.DB) *fixture {
	t.Helper()
	return newFixtureCost(t, db, cheapHashing)
}

// newFixtureCost is newFixture with the given password cost (zero: the
// production default).
func newFixtureCost(t *testing.T, db *gorm.DB, cost org.PasswordCost) *fixture {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	svc := org.NewService(db, clk)
	svc.SetPasswordCost(cost)
	res, err := svc.Setup(ctx, org.SetupRequest{CompanyName: "Acme", Admin: org.NewUserRequest{
		Name: "Ada Admin", Email: "Ada@Example.com", Password: "correct horse", Phone: "+86 138 0000 0000", Title: "CTO"}}, "test", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := svc.ActorFor(ctx, res.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	root, err := svc.Department(ctx, res.User.DepartmentID)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clk: clk, svc: svc, admin: admin, root: root}
}

func (f *fixture) user(t *testing.T, email, dept string, manager *string, roles ...string) org.User {
	t.Helper()
	if dept == "" {
		dept = f.root.ID
	}
	res, err := f.svc.CreateUser(ctx, f.admin, org.NewUserRequest{Email: email, Name: strings.Split(email, "@")[0],
		DepartmentID: dept, Title: "Staff", Phone: nextPhone(), ManagerID: manager, Roles: roles, Password: "password123"})
	if err != nil {
		t.Fatal(err)
	}
	return res.User
}

var phoneSeq atomic.Int64

// nextPhone is a phone number no other fixture user has (numbers are unique
// among active users).
func nextPhone() string { return fmt.Sprintf("139%08d", phoneSeq.Add(1)) }

func (f *fixture) actor(t *testing.T, id string) identity.Actor {
	t.Helper()
	a, err := f.svc.ActorFor(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func count(t *testing.T, db *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Key != key {
		t.Fatalf("error = %v, want key %s", err, key)
	}
}

// A service hashes new passwords at the default cost unless wiring lowers it
// (test servers only), and accounts hashed at either cost sign in.
func TestPasswordCost(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		cost   org.PasswordCost
		prefix string
	}{
		{"default", org.PasswordCost{}, "$argon2id$v=19$m=19456,t=2,p=1$"},
		{"cheap", cheapHashing, "$argon2id$v=19$m=64,t=1,p=1$"},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
				f := newFixtureCost(t, db, c.cost)
				u := f.user(t, "cost@x.com", "", nil)
				var hash string
				if err := db.Table("users").Where("id = ?", u.ID).Select("password_hash").Scan(&hash).Error; err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(hash, c.prefix) {
					t.Fatalf("hash %q, want prefix %s", hash, c.prefix)
				}
				if _, err := f.svc.Login(ctx, org.LoginRequest{Email: "cost@x.com", Password: "password123", IP: "10.0.0.1"}); err != nil {
					t.Fatalf("login: %v", err)
				}
			})
		})
	}
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := org.HashPassword("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id", h)
	}
	h2, _ := org.HashPassword("s3cret-pass")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	cases := []struct {
		hash, pw string
		want     bool
	}{
		{h, "s3cret-pass", true},
		{h, "s3cret-Pass", false},
		{h, "", false},
		{"", "", false},
		{"$argon2id$v=19$m=0,t=2,p=1$AAAA$AAAA", "x", false},
		{"$bcrypt$whatever", "x", false},
		{strings.Replace(h, "t=2", "t=3", 1), "s3cret-pass", false},
	}
	for i, c := range cases {
		if got := org.CheckPassword(c.hash, c.pw); got != c.want {
			t.Errorf("case %d: CheckPassword = %v, want %v", i, got, c.want)
		}
	}
	if pw := org.GeneratePassword(); len(pw) != 12 {
		t.Errorf("generated password %q", pw)
	}
}

func TestSetupValidatesAndRunsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		svc := org.NewService(db, clock.NewFake(time.Time{}))
		_, err := svc.Setup(ctx, org.SetupRequest{Admin: org.NewUserRequest{Email: "bad", Password: "short", Phone: "x"}}, "", "")
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid {
			t.Fatalf("bad setup: %v", err)
		}
		want := map[string]string{"company_name": "required", "admin.email": "invalid_email", "admin.name": "required",
			"admin.title": "required", "admin.phone": "invalid_phone", "admin.password": "too_short"}
		for k, v := range want {
			if e.Fields[k] != v {
				t.Errorf("field %s = %q, want %q (all: %v)", k, e.Fields[k], v, e.Fields)
			}
		}
		for _, table := range []string{"company", "users", "departments", "roles", "audit_log", "sessions"} {
			if n := count(t, db, table); n != 0 {
				t.Errorf("invalid setup wrote %d rows to %s", n, table)
			}
		}
		f := newFixture(t, db)
		if !slices.Equal(f.admin.Roles, []string{"admin", "member"}) {
			t.Fatalf("admin roles %v", f.admin.Roles)
		}
		if f.root.HeadID == nil || *f.root.HeadID != f.admin.UserID || f.root.Name != "Acme" {
			t.Fatalf("root = %+v", f.root)
		}
		roles, _ := f.svc.Roles(ctx)
		if len(roles) != 5 {
			t.Fatalf("roles = %v", roles)
		}
		_, err = f.svc.Setup(ctx, org.SetupRequest{CompanyName: "B", Admin: org.NewUserRequest{Name: "B", Email: "b@b.com",
			Password: "password123", Phone: "13800000000", Title: "T"}}, "", "")
		wantKey(t, err, "setup.already_done")
	})
}

func TestLoginRateLimitAndInactive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		login := func(email, pw, ip string) error {
			_, err := f.svc.Login(ctx, org.LoginRequest{Email: email, Password: pw, IP: ip})
			return err
		}
		if err := login(" ADA@example.com ", "correct horse", "10.0.0.1"); err != nil {
			t.Fatalf("login with case-folded email: %v", err)
		}
		for i := 0; i < 5; i++ {
			wantKey(t, login("ada@example.com", "wrong", "10.0.0.1"), "auth.bad_credentials")
		}
		// No account lock: the owner signs in from elsewhere; the failing
		// address waits (even with the right password).
		if err := login("ada@example.com", "correct horse", "10.0.0.2"); err != nil {
			t.Fatalf("owner locked out by another address's failures: %v", err)
		}
		wantKey(t, login("ada@example.com", "correct horse", "10.0.0.1"), "auth.rate_limited")
		f.clk.Advance(16 * time.Minute)
		if err := login("ada@example.com", "correct horse", "10.0.0.1"); err != nil {
			t.Fatalf("login after the window: %v", err)
		}
		// Per IP: many emails from one address.
		for i := 0; i < 20; i++ {
			wantKey(t, login("nobody"+string(rune('a'+i))+"@example.com", "x", "10.9.9.9"), "auth.bad_credentials")
		}
		wantKey(t, login("ada@example.com", "correct horse", "10.9.9.9"), "auth.rate_limited")
		if err := login("ada@example.com", "correct horse", "10.0.0.3"); err != nil {
			t.Fatalf("other IP blocked: %v", err)
		}
	})
}

func TestDepartmentsTree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		mk := func(name, parent string) org.Department {
			d, err := f.svc.CreateDepartment(ctx, f.admin, org.NewDepartmentRequest{Name: name, ParentID: parent})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		rd := mk("R&D", f.root.ID)
		fe := mk("Frontend", rd.ID)
		lead := f.user(t, "lead@x.com", fe.ID, nil)

		_, err := f.svc.UpdateDepartment(ctx, f.admin, rd.ID, org.UpdateDepartmentRequest{ParentID: &fe.ID, Version: rd.Version})
		wantKey(t, err, "org.department_cycle")
		_, err = f.svc.UpdateDepartment(ctx, f.admin, rd.ID, org.UpdateDepartmentRequest{ParentID: &rd.ID, Version: rd.Version})
		wantKey(t, err, "org.department_cycle")
		_, err = f.svc.UpdateDepartment(ctx, f.admin, f.root.ID, org.UpdateDepartmentRequest{ParentID: &rd.ID, Version: f.root.Version})
		wantKey(t, err, "org.root_department")

		name := "Engineering"
		rd2, err := f.svc.UpdateDepartment(ctx, f.admin, rd.ID, org.UpdateDepartmentRequest{Name: &name, HeadID: org.SetID(lead.ID), Version: rd.Version})
		if err != nil || rd2.Name != name || rd2.Version != rd.Version+1 || *rd2.HeadID != lead.ID {
			t.Fatalf("rename: %+v %v", rd2, err)
		}
		if u, _ := f.svc.User(ctx, lead.ID); !slices.Contains(u.Roles, org.RoleDeptHead) {
			t.Fatalf("new head lacks dept_head: %v", u.Roles)
		}
		_, err = f.svc.UpdateDepartment(ctx, f.admin, rd.ID, org.UpdateDepartmentRequest{Name: &name, Version: rd.Version})
		wantKey(t, err, "org.stale_version")

		wantKey(t, f.svc.DeleteDepartment(ctx, f.admin, rd.ID), "org.department_has_children")
		wantKey(t, f.svc.DeleteDepartment(ctx, f.admin, fe.ID), "org.department_has_members")
		wantKey(t, f.svc.DeleteDepartment(ctx, f.admin, f.root.ID), "org.root_department")
		empty := mk("Empty", fe.ID)
		wantKey(t, f.svc.DeleteDepartment(ctx, f.actor(t, lead.ID), empty.ID), "org.forbidden")
		if err := f.svc.DeleteDepartment(ctx, f.admin, empty.ID); err != nil {
			t.Fatal(err)
		}
		// Move Frontend under the root: allowed.
		fe2, err := f.svc.UpdateDepartment(ctx, f.admin, fe.ID, org.UpdateDepartmentRequest{ParentID: &f.root.ID, Version: fe.Version})
		if err != nil || *fe2.ParentID != f.root.ID {
			t.Fatalf("move: %+v %v", fe2, err)
		}
	})
}

func TestUsersPermissionsAndLocking(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		hr := f.user(t, "hr@x.com", "", nil, org.RoleHR)
		member := f.user(t, "m@x.com", "", &hr.ID)
		hrA, memberA := f.actor(t, hr.ID), f.actor(t, member.ID)
		// The last admin keeps the admin role.
		_, err := f.svc.UpdateUser(ctx, f.admin, f.admin.UserID, org.UpdateUserRequest{Roles: &[]string{}, Version: 1})
		wantKey(t, err, "org.own_roles")
		newReq := func(email string, roles ...string) org.NewUserRequest {
			return org.NewUserRequest{Email: email, Name: "N", DepartmentID: f.root.ID, Title: "T", Phone: nextPhone(), Roles: roles}
		}
		cases := []struct {
			name  string
			actor identity.Actor
			req   org.NewUserRequest
			key   string
		}{
			{"member cannot onboard", memberA, newReq("a@x.com"), "org.forbidden"},
			{"hr onboards", hrA, newReq("b@x.com"), ""},
			{"hr cannot grant dept head", hrA, newReq("b2@x.com", org.RoleDeptHead), "org.privileged_role_admins_only"},
			{"hr cannot grant admin", hrA, newReq("c@x.com", org.RoleAdmin), "org.privileged_role_admins_only"},
			{"admin grants admin", f.admin, newReq("d@x.com", org.RoleAdmin), ""},
			{"unknown role", f.admin, newReq("e@x.com", "wizard"), "org.invalid_user"},
			{"duplicate email", f.admin, newReq("HR@x.com"), "org.invalid_user"},
		}
		for _, c := range cases {
			res, err := f.svc.CreateUser(ctx, c.actor, c.req)
			if c.key == "" {
				if err != nil || res.InitialPassword == "" || !slices.Contains(res.User.Roles, org.RoleMember) {
					t.Errorf("%s: %+v %v", c.name, res, err)
				}
				continue
			}
			e, ok := apperr.As(err)
			if !ok || e.Key != c.key {
				t.Errorf("%s: err %v, want %s", c.name, err, c.key)
			}
		}
		// Profile edits: self only phone/locale; HR anyone but admins.
		phone := "+1 (555) 010-9999"
		if _, err := f.svc.UpdateUser(ctx, memberA, member.ID, org.UpdateUserRequest{Phone: &phone, Version: member.Version}); err != nil {
			t.Fatalf("self phone: %v", err)
		}
		title := "Boss"
		_, err = f.svc.UpdateUser(ctx, memberA, member.ID, org.UpdateUserRequest{Title: &title, Version: member.Version + 1})
		wantKey(t, err, "org.forbidden")
		_, err = f.svc.UpdateUser(ctx, hrA, f.admin.UserID, org.UpdateUserRequest{Title: &title, Version: 1})
		wantKey(t, err, "org.forbidden")
		_, err = f.svc.UpdateUser(ctx, hrA, member.ID, org.UpdateUserRequest{Title: &title, Version: member.Version})
		wantKey(t, err, "org.stale_version")
		u, err := f.svc.UpdateUser(ctx, hrA, member.ID, org.UpdateUserRequest{Title: &title, Version: member.Version + 1})
		if err != nil || u.Title != "Boss" || u.Version != member.Version+2 {
			t.Fatalf("hr edit: %+v %v", u, err)
		}
		// Manager cycle: hr's manager cannot be member (member reports to hr).
		_, err = f.svc.UpdateUser(ctx, f.admin, hr.ID, org.UpdateUserRequest{ManagerID: org.SetID(member.ID), Version: hr.Version})
		if e, ok := apperr.As(err); !ok || e.Fields["manager_id"] != "invalid" {
			t.Fatalf("manager cycle: %v", err)
		}
		// Inactive users: listed for HR and for the head of their department, never for members.
		sub, err := f.svc.CreateDepartment(ctx, f.admin, org.NewDepartmentRequest{Name: "Sub", ParentID: f.root.ID, HeadID: &member.ID})
		if err != nil {
			t.Fatal(err)
		}
		gone := f.user(t, "gone@x.com", sub.ID, nil)
		if _, err := f.svc.Deactivate(ctx, hrA, gone.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ResetPassword(ctx, hrA, f.admin.UserID)
		wantKey(t, err, "org.forbidden")
		headA, plain := f.actor(t, member.ID), f.actor(t, f.user(t, "plain@x.com", sub.ID, nil).ID)
		for _, c := range []struct {
			who  identity.Actor
			want int
		}{{hrA, 2}, {headA, 2}, {plain, 1}} {
			us, _, err := f.svc.ListUsers(ctx, c.who, org.UserFilter{DepartmentID: sub.ID, IncludeInactive: true})
			if err != nil || len(us) != c.want {
				t.Errorf("%s lists %d users of Sub, want %d (%v)", c.who.Name, len(us), c.want, err)
			}
		}
		// The directory searches name, email, phone and title.
		users, _, err := f.svc.ListUsers(ctx, memberA, org.UserFilter{Query: "BOSS"})
		if err != nil || len(users) != 1 || users[0].ID != member.ID {
			t.Fatalf("search: %v %v", users, err)
		}
	})
}

func TestDeactivate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		boss := f.user(t, "boss@x.com", "", nil)
		dept, err := f.svc.CreateDepartment(ctx, f.admin, org.NewDepartmentRequest{Name: "Sales", ParentID: f.root.ID})
		if err != nil {
			t.Fatal(err)
		}
		leaver := f.user(t, "leaver@x.com", dept.ID, &boss.ID)
		if _, err := f.svc.UpdateDepartment(ctx, f.admin, dept.ID, org.UpdateDepartmentRequest{HeadID: org.SetID(leaver.ID), Version: dept.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Login(ctx, org.LoginRequest{Email: "leaver@x.com", Password: "password123"}); err != nil {
			t.Fatal(err)
		}
		var hookUser, hookManager string
		fail := false
		f.svc.OnDeactivate(func(_ context.Context, tx *gorm.DB, u org.User, m *org.User) error {
			if fail {
				return errors.New("boom")
			}
			hookUser, hookManager = u.ID, m.ID
			return nil
		})
		// A failing hook rolls everything back.
		fail = true
		if _, err := f.svc.Deactivate(ctx, f.admin, leaver.ID); err == nil {
			t.Fatal("deactivate with failing hook succeeded")
		}
		if u, _ := f.svc.User(ctx, leaver.ID); !u.Active {
			t.Fatal("failed deactivation left the user inactive")
		}
		fail = false
		u, err := f.svc.Deactivate(ctx, f.admin, leaver.ID)
		if err != nil || u.Active || u.DeactivatedAt == nil {
			t.Fatalf("deactivate: %+v %v", u, err)
		}
		if hookUser != leaver.ID || hookManager != boss.ID {
			t.Fatalf("hook got %s / %s", hookUser, hookManager)
		}
		var n int64
		db.Model(&org.Session{}).Where("user_id = ?", leaver.ID).Count(&n)
		if n != 0 {
			t.Fatalf("%d sessions survive", n)
		}
		if d, _ := f.svc.Department(ctx, dept.ID); d.HeadID != nil {
			t.Fatal("head not cleared")
		}
		_, err = f.svc.Login(ctx, org.LoginRequest{Email: "leaver@x.com", Password: "password123"})
		wantKey(t, err, "auth.bad_credentials") // the same answer as a wrong password
		var ev notify.Event
		if err := db.Where("type = ?", "org.user_deactivated").First(&ev).Error; err != nil || ev.SubjectID != leaver.ID || !slices.Equal(ev.Recipients, []string{boss.ID}) {
			t.Fatalf("event: %+v %v", ev, err)
		}
		entries, _ := audit.List(ctx, db, audit.Filter{Action: "user.deactivate"})
		if len(entries) != 1 || entries[0].TargetID != leaver.ID || entries[0].Detail["manager_id"] != boss.ID {
			t.Fatalf("audit: %+v", entries)
		}
		_, err = f.svc.Deactivate(ctx, f.admin, leaver.ID)
		wantKey(t, err, "org.already_inactive")
		_, err = f.svc.Deactivate(ctx, f.admin, f.admin.UserID)
		wantKey(t, err, "org.cannot_deactivate_self")
		if _, err := f.svc.Reactivate(ctx, f.admin, leaver.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Login(ctx, org.LoginRequest{Email: "leaver@x.com", Password: "password123"}); err != nil {
			t.Fatalf("login after reactivation: %v", err)
		}
	})
}

func TestLoadDemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		svc := org.NewService(db, clock.NewFake(time.Time{}))
		svc.SetPasswordCost(cheapHashing)
		var out bytes.Buffer
		if err := svc.LoadDemo(ctx, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "admin@demo.tack") {
			t.Fatalf("output lacks the admin login:\n%s", out.String())
		}
		// Each account is printed with its phone number too, and signs in by it.
		adminLine := ""
		for l := range strings.Lines(out.String()) {
			if strings.Contains(l, "admin@demo.tack") {
				adminLine = l
			}
		}
		phone := regexp.MustCompile(`\b1\d{10}\b`).FindString(adminLine)
		if phone == "" {
			t.Fatalf("the admin's line has no phone number: %q", adminLine)
		}
		if res, err := svc.Login(ctx, org.LoginRequest{Login: phone, Password: org.DemoPassword}); err != nil || res.User.Email != "admin@demo.tack" {
			t.Fatalf("sign-in by the printed phone %s: %v", phone, err)
		}
		if n := count(t, db, "users"); n != 20 {
			t.Fatalf("%d users", n)
		}
		if n := count(t, db, "departments"); n != 8 {
			t.Fatalf("%d departments", n)
		}
		res, err := svc.Login(ctx, org.LoginRequest{Email: "admin@demo.tack", Password: org.DemoPassword})
		if err != nil || !slices.Contains(res.User.Roles, org.RoleAdmin) {
			t.Fatalf("admin login: %v %v", res.User.Roles, err)
		}
		for _, role := range []string{org.RoleHR, org.RoleGeneralManager, org.RoleDeptHead} {
			if us, _ := svc.UsersWithRole(ctx, role); len(us) == 0 {
				t.Errorf("nobody holds %s", role)
			}
		}
		// Every department has a head and every user except the GM a manager.
		var ds []org.Department
		db.Find(&ds)
		for _, d := range ds {
			if d.HeadID == nil {
				t.Errorf("department %s has no head", d.Name)
			}
		}
		var noManager int64
		db.Model(&org.User{}).Where("manager_id IS NULL").Count(&noManager)
		if noManager != 1 {
			t.Errorf("%d users without a manager", noManager)
		}
		out.Reset()
		if err := svc.LoadDemo(ctx, &out); err != nil || count(t, db, "users") != 20 {
			t.Fatalf("second load: %v", err)
		}
		// A second run loads nothing but prints the accounts again.
		if !strings.Contains(out.String(), "admin@demo.tack") || !strings.Contains(out.String(), "already loaded") {
			t.Fatalf("second run does not print the demo accounts:\n%s", out.String())
		}
	})
}
