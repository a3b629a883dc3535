package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"tack/backend/apperr"
)

// Each error kind answers with its status, and respond writes a 204 without
// a body.
func TestStatusOfEachKindAndRespond(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		err  *apperr.Error
		want int
	}{
		{apperr.Invalid("x", "x"), http.StatusBadRequest},
		{apperr.Unauthenticated("x", "x"), http.StatusUnauthorized},
		{apperr.Forbidden("x", "x"), http.StatusForbidden},
		{apperr.NotFound("x", "x"), http.StatusNotFound},
		{apperr.Conflict("x", "x"), http.StatusConflict},
		{apperr.TooLarge("x", "x"), http.StatusRequestEntityTooLarge},
		{apperr.RateLimited("x", "x"), http.StatusTooManyRequests},
		{&apperr.Error{Kind: apperr.KindInternal}, http.StatusInternalServerError},
	}
	r := httptest.NewRequest("GET", "/api/v1/x", nil)
	for _, s := range scenarios {
		if got := statusOf(s.err.Kind); got != s.want {
			t.Errorf("statusOf(%s) = %d, want %d", s.err.Kind, got, s.want)
		}
		w := httptest.NewRecorder()
		respond(w, r, http.StatusOK, map[string]int{"n": 1}, s.err)
		if w.Code != s.want {
			t.Errorf("respond with a %s error answered %d, want %d", s.err.Kind, w.Code, s.want)
		}
	}
	w := httptest.NewRecorder()
	respond(w, r, http.StatusNoContent, nil, nil)
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Errorf("204: %d %q", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	respond(w, r, http.StatusCreated, map[string]int{"n": 1}, nil)
	if w.Code != http.StatusCreated || w.Body.String() != "{\"n\":1}\n" {
		t.Errorf("201: %d %q", w.Code, w.Body.String())
	}
}
