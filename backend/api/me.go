package api

import (
	"net/http"

	"tack/backend/identity"
)

func (h *Handler) me(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	// The actor's roles are the user's (the session cache drops them when
	// they change): one statement for the user row.
	u, err := h.deps.Org.UserWithRoles(r.Context(), a.UserID, a.Roles)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}
