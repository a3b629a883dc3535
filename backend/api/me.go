package api

import (
	"net/http"

	"tack/backend/identity"
)

func (h *Handler) me(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	// The actor's roles are the user's, and the row comes from the session
	// cache (both dropped when they change).
	u, err := h.deps.Org.Profile(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
