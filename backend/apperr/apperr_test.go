package apperr

import (
	"fmt"
	"net/http"
	"testing"
)

func TestStatusAndAs(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		err  *Error
		want int
	}{
		{Invalid("x", "x"), http.StatusBadRequest},
		{Unauthenticated("x", "x"), http.StatusUnauthorized},
		{Forbidden("x", "x"), http.StatusForbidden},
		{NotFound("x", "x"), http.StatusNotFound},
		{Conflict("x", "x"), http.StatusConflict},
		{TooLarge("x", "x"), http.StatusRequestEntityTooLarge},
		{RateLimited("x", "x"), http.StatusTooManyRequests},
		{&Error{Kind: KindInternal}, http.StatusInternalServerError},
	}
	for _, s := range scenarios {
		wrapped := fmt.Errorf("outer: %w", s.err)
		got, ok := As(wrapped)
		if !ok || got != s.err {
			t.Fatalf("As(%v) lost the error", wrapped)
		}
		if Status(got.Kind) != s.want {
			t.Errorf("Status(%s) = %d, want %d", got.Kind, Status(got.Kind), s.want)
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
