package apperr

import (
	"fmt"
	"testing"
)

func TestAsUnwraps(t *testing.T) {
	t.Parallel()
	for _, e := range []*Error{Invalid("x", "x"), Unauthenticated("x", "x"), Forbidden("x", "x"), NotFound("x", "x"),
		Conflict("x", "x"), TooLarge("x", "x"), RateLimited("x", "x"), {Kind: KindInternal}} {
		wrapped := fmt.Errorf("outer: %w", e)
		got, ok := As(wrapped)
		if !ok || got != e {
			t.Fatalf("As(%v) lost the error", wrapped)
		}
	}
}

func TestValidatorFirstFailureWins(t *testing.T) {
	t.Parallel()
	var v Validator
	v.Check(true, "name", "required")
	if v.Err("k", "m") != nil {
		t.Fatal("valid validator returned an error")
	}
	v.Check(false, "name", "required")
	v.Check(false, "name", "too_long")
	v.Check(false, "email", "invalid_email")
	e, ok := As(v.Err("org.invalid_user", "invalid user"))
	if !ok || e.Kind != KindInvalid {
		t.Fatalf("want invalid error, got %v", e)
	}
	if e.Fields["name"] != "required" || e.Fields["email"] != "invalid_email" {
		t.Errorf("fields = %v", e.Fields)
	}
}

func TestWithFieldDoesNotMutate(t *testing.T) {
	t.Parallel()
	base := Invalid("k", "m")
	a := base.WithField("a", "required")
	if len(base.Fields) != 0 || a.Fields["a"] != "required" {
		t.Fatalf("base=%v a=%v", base.Fields, a.Fields)
	}
}
