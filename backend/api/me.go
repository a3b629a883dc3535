package api

import (
	"net/http"

	"tack/backend/identity"
)

func (h *Handler) me(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	u, err := h.deps.Org.User(r.Context(), a.UserID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
