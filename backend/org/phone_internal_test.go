package org

import "testing"

// The stored and sign-in form of phone numbers.
func TestNormPhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"13800010001", "13800010001", true},
		{"138 0001 0001", "13800010001", true},
		{"138-0001-0001", "13800010001", true},
		{" +86 138 0001 0001 ", "13800010001", true},
		{"+8613800010001", "13800010001", true},
		{"0086 138 0001 0001", "13800010001", true},
		{"8613800010001", "13800010001", true},
		{"+1 (555) 010-9999", "+15550109999", true},
		{"001 555 010 9999", "+15550109999", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"010-6552-9988", "01065529988", true}, // a landline stays as dialled
		{"+86 10 6552 9988", "+861065529988", true},
		{"", "", false},
		{"12", "", false},
		{"abc", "", false},
		{"138+0001", "", false},
		{"+1234567890123456", "", false}, // E.164 has 15 digits at most
		{"13800010001x", "", false},
	} {
		got, ok := normPhone(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("normPhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
