package org

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// normPhone is the stored and sign-in form of a phone number: spaces, dashes,
// dots and parentheses go; a mainland number loses its +86 / 0086 / 86
// country prefix and is kept as the 11 digits people type into a sign-in box;
// any other international number stays in E.164 (+ and digits, a 00 prefix
// becomes +). ok is false when what is left is not 6 to 20 digits.
func normPhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", false
		}
	}
	p := b.String()
	if strings.HasPrefix(p, "00") {
		p = "+" + p[2:]
	}
	if d, ok := strings.CutPrefix(p, "+86"); ok && mainland(d) {
		return d, true
	}
	if d, ok := strings.CutPrefix(p, "86"); ok && mainland(d) {
		return d, true
	}
	digits := strings.TrimPrefix(p, "+")
	if len(digits) < 6 || len(digits) > 20 || strings.Contains(digits, "+") {
		return "", false
	}
	if strings.HasPrefix(p, "+") && len(digits) > 15 {
		return "", false // E.164 allows 15 digits at most
	}
	return p, true
}

// mainland reports whether d is an 11-digit mainland China mobile number.
func mainland(d string) bool {
	if len(d) != 11 || d[0] != '1' {
		return false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// phoneTaken reports whether another active user has phone. Only active
// users count: a deactivated account's number may be given to someone new
// (reactivating it then refuses while the number is in use).
func phoneTaken(tx *gorm.DB, phone, exceptID string) (bool, error) {
	var n int64
	if err := tx.Model(&User{}).Where("phone = ? AND active = ? AND id <> ?", phone, true, exceptID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("org: phone taken: %w", err)
	}
	return n > 0, nil
}

// normalisePhones (migration org-0005-phonefix) rewrites every stored phone
// number into normPhone's form so sign-in and the uniqueness check compare
// like with like. Numbers that do not normalise are left as typed (they were
// accepted by the older, looser check; the next edit must fix them). Existing
// duplicates among active users are left alone rather than guessed at: the
// service refuses new duplicates, and a number shared by two active accounts
// signs neither in (they keep signing in by email) until an admin fixes one.
// A unique index is not used for the same reason: it could not be built on a
// workspace that already has duplicates, and it would have to ignore
// deactivated accounts.
func normalisePhones(tx *gorm.DB) error {
	var rows []struct{ ID, Phone string }
	if err := tx.Table("users").Select("id, phone").Where("phone <> ''").Find(&rows).Error; err != nil {
		return fmt.Errorf("org: normalise phones: %w", err)
	}
	for _, r := range rows {
		p, ok := normPhone(r.Phone)
		if !ok || p == r.Phone {
			continue
		}
		if err := tx.Table("users").Where("id = ?", r.ID).Update("phone", p).Error; err != nil {
			return fmt.Errorf("org: normalise phones: %w", err)
		}
	}
	return nil
}
