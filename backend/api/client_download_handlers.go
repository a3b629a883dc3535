package api

import (
	"net/http"

	"tack/backend/apperr"
)

// clientDownloadRoutes are the desktop client downloads (tack serve
// --clients DIR): public, like the login page that links to them, since
// a build is signed and holds no company data.
func (h *Handler) clientDownloadRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/clients", h.listClientBuilds)
	mux.HandleFunc("GET /api/v1/clients/{os}/{arch}/{version}/{file}", h.downloadClientBuild)
}

func (h *Handler) listClientBuilds(w http.ResponseWriter, r *http.Request) {
	list, err := h.deps.Clients.Latest()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"releases": list})
}

func (h *Handler) downloadClientBuild(w http.ResponseWriter, r *http.Request) {
	f, rel, err := h.deps.Clients.Open(r.PathValue("os"), r.PathValue("arch"), r.PathValue("version"), r.PathValue("file"))
	if err != nil {
		writeError(w, r, apperr.NotFound("not_found", "no such client build"))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		writeError(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/octet-stream")
	hd.Set("Content-Disposition", `attachment; filename="`+rel.File+`"`)
	hd.Set("X-Tack-Client-Version", rel.Version)
	http.ServeContent(w, r, rel.File, st.ModTime(), f)
}
