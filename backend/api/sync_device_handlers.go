package api

import (
	"net/http"

	"tack/backend/devices"
	"tack/backend/identity"
)

// The desktop sync agents' heartbeats and the admin's view of them.
func (h *Handler) syncDeviceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/sync/devices/heartbeat", h.authed(h.syncHeartbeat))
	mux.HandleFunc("GET /api/v1/sync/devices", h.authed(h.listSyncDevices))
}

func (h *Handler) syncHeartbeat(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req devices.HeartbeatRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Devices.Heartbeat(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *Handler) listSyncDevices(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	behind := r.URL.Query().Get("behind") == "1" || r.URL.Query().Get("behind") == "true"
	items, err := h.deps.Devices.List(r.Context(), a, behind)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": ""})
}
