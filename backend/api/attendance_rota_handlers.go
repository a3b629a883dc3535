package api

import (
	"net/http"

	"tack/backend/attendance"
	"tack/backend/identity"
)

// attendanceRotaRoutes registers the rota (排班, backend/attendance/API.md).
func (h *Handler) attendanceRotaRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/attendance/rota/{dept}/{month}", h.authed(h.attendanceRota))
	mux.HandleFunc("PUT /api/v1/attendance/rota/{dept}", h.authed(h.attendanceSaveRota))
	mux.HandleFunc("POST /api/v1/attendance/rota/{dept}/cycle", h.authed(h.attendanceRotaCycle))
	mux.HandleFunc("POST /api/v1/attendance/rota/{dept}/copy", h.authed(h.attendanceRotaCopy))
	mux.HandleFunc("GET /api/v1/attendance/rota/{dept}/{month}/template", h.authed(h.attendanceRotaTemplate))
	mux.HandleFunc("POST /api/v1/attendance/rota/{dept}/{month}/import", h.authed(h.attendanceRotaImport))
}

func (h *Handler) attendanceRota(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	sh, err := h.deps.Attendance.Rota(r.Context(), a, r.PathValue("dept"), r.PathValue("month"))
	respond(w, r, http.StatusOK, sh, err)
}

func (h *Handler) attendanceSaveRota(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.RotaEdit
	if err := decodeLimit(r, &in, 4<<20); err != nil { // a 500-person month of cells
		writeError(w, r, err)
		return
	}
	in.DepartmentID = r.PathValue("dept")
	res, err := h.deps.Attendance.SaveRota(r.Context(), a, in)
	respond(w, r, http.StatusOK, res, err)
}

func (h *Handler) attendanceRotaCycle(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.RotaCycle
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	in.DepartmentID = r.PathValue("dept")
	res, err := h.deps.Attendance.FillRotaCycle(r.Context(), a, in)
	respond(w, r, http.StatusOK, res, err)
}

func (h *Handler) attendanceRotaCopy(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.RotaCopy
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	in.DepartmentID = r.PathValue("dept")
	res, err := h.deps.Attendance.CopyRota(r.Context(), a, in)
	respond(w, r, http.StatusOK, res, err)
}

func (h *Handler) attendanceRotaTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	month := r.PathValue("month")
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="rota-`+month+`.xlsx"`)
	if err := h.deps.Attendance.RotaTemplateXLSX(r.Context(), a, r.PathValue("dept"), month, r.URL.Query().Get("lang"), &lazyWriter{w: w}); err != nil {
		w.Header().Del("Content-Disposition")
		writeError(w, r, err)
	}
}

// attendanceRotaImport takes the filled template as the raw request body.
func (h *Handler) attendanceRotaImport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	res, err := h.deps.Attendance.ImportRotaXLSX(r.Context(), a, r.PathValue("dept"), r.PathValue("month"), r.Body)
	respond(w, r, http.StatusOK, res, err)
}
