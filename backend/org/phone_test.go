package org_test

import (
	"testing"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/org"
	"tack/backend/store/storetest"
)

func wantField(t *testing.T, err error, field, problem string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Fields[field] != problem {
		t.Fatalf("error = %v (%+v), want %s: %s", err, e, field, problem)
	}
}

// Phone numbers are stored normalised and unique among active users: create,
// update and reactivate refuse a number another active account has, in
// whatever spelling.
func TestPhoneUnique(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db) // the admin has +86 138 0000 0000
		req := func(email, phone string) org.NewUserRequest {
			return org.NewUserRequest{Email: email, Name: "N", DepartmentID: f.root.ID, Title: "T", Phone: phone, Password: "password123"}
		}
		_, err := f.svc.CreateUser(ctx, f.admin, req("b@x.com", "138-0000-0000"))
		wantField(t, err, "phone", "duplicate")
		res, err := f.svc.CreateUser(ctx, f.admin, req("b@x.com", "+86 139 1111 2222"))
		if err != nil {
			t.Fatal(err)
		}
		if res.User.Phone != "13911112222" {
			t.Fatalf("stored phone = %q, want the 11 digits", res.User.Phone)
		}
		b := res.User
		dup := "0086 138 0000 0000"
		_, err = f.svc.UpdateUser(ctx, f.admin, b.ID, org.UpdateUserRequest{Phone: &dup, Version: b.Version})
		wantField(t, err, "phone", "duplicate")
		bad := "12"
		_, err = f.svc.UpdateUser(ctx, f.admin, b.ID, org.UpdateUserRequest{Phone: &bad, Version: b.Version})
		wantField(t, err, "phone", "invalid_phone")
		// Saving one's own number in another spelling is no clash.
		same := "139 1111 2222"
		if b, err = f.svc.UpdateUser(ctx, f.admin, b.ID, org.UpdateUserRequest{Phone: &same, Version: b.Version}); err != nil {
			t.Fatalf("own number: %v", err)
		}
		// A deactivated account's number can be given to someone new; the
		// old account then cannot come back while the number is taken.
		if _, err := f.svc.Deactivate(ctx, f.admin, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateUser(ctx, f.admin, req("c@x.com", "13911112222")); err != nil {
			t.Fatalf("number of a deactivated account: %v", err)
		}
		_, err = f.svc.Reactivate(ctx, f.admin, b.ID)
		wantKey(t, err, "org.phone_taken")
	})
}

// A user signs in with the phone number in any spelling, the `email` field
// still works, and a wrong phone number, a deactivated account's number and a
// number two active accounts share all answer exactly like a wrong password.
func TestLoginByPhone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, migrations(), func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		login := func(name, pw string) (org.LoginResult, error) {
			return f.svc.Login(ctx, org.LoginRequest{Login: name, Password: pw, IP: "10.0.0.7"})
		}
		for _, name := range []string{"13800000000", "+86 138-0000-0000", "Ada@Example.com"} {
			res, err := login(name, "correct horse")
			if err != nil || res.User.ID != f.admin.UserID {
				t.Fatalf("login %q: %v", name, err)
			}
		}
		if _, err := f.svc.Login(ctx, org.LoginRequest{Email: "13800000000", Password: "correct horse", IP: "10.0.0.7"}); err != nil {
			t.Fatalf("phone in the older email field: %v", err)
		}
		_, err := login("13800000000", "wrong")
		wantKey(t, err, "auth.bad_credentials")
		_, err = login("13899999999", "correct horse")
		wantKey(t, err, "auth.bad_credentials")
		u := f.user(t, "gone@x.com", "", nil)
		if _, err := f.svc.Deactivate(ctx, f.admin, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err = login(u.Phone, "password123")
		wantKey(t, err, "auth.bad_credentials")
		// Duplicates left from before numbers were unique sign neither in.
		v := f.user(t, "v@x.com", "", nil)
		w := f.user(t, "w@x.com", "", nil)
		if err := db.Table("users").Where("id = ?", w.ID).Update("phone", v.Phone).Error; err != nil {
			t.Fatal(err)
		}
		_, err = login(v.Phone, "password123")
		wantKey(t, err, "auth.bad_credentials")
		if _, err := login("v@x.com", "password123"); err != nil {
			t.Fatalf("email still signs in: %v", err)
		}
	})
}
