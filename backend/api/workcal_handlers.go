package api

import (
	"net/http"

	"tack/backend/identity"
	"tack/backend/workcal"
)

// workcalRoutes registers the company working calendar. It began as the
// approvals calendar; its old paths under /api/v1/approval/calendar stay as
// aliases of the same handlers so clients of that API keep working.
func (h *Handler) workcalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/workcal", h.authed(h.getWorkcal))
	mux.HandleFunc("PUT /api/v1/workcal/settings", h.authed(h.setWorkcalSettings))
	mux.HandleFunc("POST /api/v1/workcal/range", h.authed(h.setWorkcalRange))
	mux.HandleFunc("PUT /api/v1/workcal/{date}", h.authed(h.setWorkcalDay))
	mux.HandleFunc("DELETE /api/v1/workcal/{date}", h.authed(h.deleteWorkcalDay))
	// The old paths (the approvals calendar), POST {date} included.
	mux.HandleFunc("GET /api/v1/approval/calendar", h.authed(h.getWorkcal))
	mux.HandleFunc("PUT /api/v1/approval/calendar/settings", h.authed(h.setWorkcalSettings))
	mux.HandleFunc("POST /api/v1/approval/calendar/range", h.authed(h.setWorkcalRange))
	mux.HandleFunc("PUT /api/v1/approval/calendar/{date}", h.authed(h.setWorkcalDay))
	mux.HandleFunc("POST /api/v1/approval/calendar/{date}", h.authed(h.setWorkcalDay))
	mux.HandleFunc("DELETE /api/v1/approval/calendar/{date}", h.authed(h.deleteWorkcalDay))
}

func (h *Handler) getWorkcal(w http.ResponseWriter, r *http.Request, _ identity.Actor) {
	c, err := h.deps.Workcal.Get(r.Context())
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) setWorkcalSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in workcal.Settings
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	st, err := h.deps.Workcal.SetSettings(r.Context(), a, in)
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) setWorkcalRange(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in workcal.Range
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	days, err := h.deps.Workcal.SetRange(r.Context(), a, in)
	if days == nil {
		days = []workcal.Day{}
	}
	respond(w, r, http.StatusOK, Page[workcal.Day]{Items: days}, err)
}

func (h *Handler) setWorkcalDay(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in workcal.Day
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	in.Date = r.PathValue("date")
	d, err := h.deps.Workcal.SetDay(r.Context(), a, in)
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) deleteWorkcalDay(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Workcal.DeleteDay(r.Context(), a, r.PathValue("date")); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
