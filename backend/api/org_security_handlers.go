package api

import (
	"net/http"

	"tack/backend/identity"
	"tack/backend/org"
)

func (h *Handler) securitySettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	res, err := h.deps.Org.SecuritySettings(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *Handler) setSecuritySettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.SecuritySettings
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Org.SetSecuritySettings(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
