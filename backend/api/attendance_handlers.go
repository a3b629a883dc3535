package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"tack/backend/apperr"
	"tack/backend/attendance"
	"tack/backend/identity"
)

// attendanceRoutes registers attendance (backend/attendance/API.md).
func (h *Handler) attendanceRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/attendance/today", h.authed(h.attendanceToday))
	mux.HandleFunc("POST /api/v1/attendance/punches", h.authed(h.attendancePunch))
	mux.HandleFunc("POST /api/v1/attendance/punches/field", h.authed(h.attendanceFieldPunch))
	mux.HandleFunc("GET /api/v1/attendance/punches", h.authed(h.attendancePunches))
	mux.HandleFunc("GET /api/v1/attendance/punches/{id}/photo", h.authed(h.attendancePhoto))
	mux.HandleFunc("POST /api/v1/attendance/punches/{id}/review", h.authed(h.attendanceReview))
	mux.HandleFunc("POST /api/v1/attendance/corrections", h.authed(h.attendanceCorrect))
	mux.HandleFunc("GET /api/v1/attendance/days", h.authed(h.attendanceDays))
	mux.HandleFunc("GET /api/v1/attendance/board", h.authed(h.attendanceBoard))
	mux.HandleFunc("GET /api/v1/attendance/settings", h.authed(h.attendanceSettings))
	mux.HandleFunc("PUT /api/v1/attendance/settings", h.authed(h.attendanceSetSettings))
	mux.HandleFunc("GET /api/v1/attendance/shifts", h.authed(h.attendanceShifts))
	mux.HandleFunc("POST /api/v1/attendance/shifts", h.authed(h.attendanceSaveShift))
	mux.HandleFunc("PUT /api/v1/attendance/shifts/{id}", h.authed(h.attendanceSaveShift))
	mux.HandleFunc("DELETE /api/v1/attendance/shifts/{id}", h.authed(h.attendanceDeleteShift))
	mux.HandleFunc("GET /api/v1/attendance/groups", h.authed(h.attendanceGroups))
	mux.HandleFunc("POST /api/v1/attendance/groups", h.authed(h.attendanceSaveGroup))
	mux.HandleFunc("PUT /api/v1/attendance/groups/{id}", h.authed(h.attendanceSaveGroup))
	mux.HandleFunc("DELETE /api/v1/attendance/groups/{id}", h.authed(h.attendanceDeleteGroup))
	mux.HandleFunc("GET /api/v1/attendance/places", h.authed(h.attendancePlaces))
	mux.HandleFunc("POST /api/v1/attendance/places", h.authed(h.attendanceSavePlace))
	mux.HandleFunc("PUT /api/v1/attendance/places/{id}", h.authed(h.attendanceSavePlace))
	mux.HandleFunc("DELETE /api/v1/attendance/places/{id}", h.authed(h.attendanceDeletePlace))
	mux.HandleFunc("GET /api/v1/attendance/networks", h.authed(h.attendanceNetworks))
	mux.HandleFunc("POST /api/v1/attendance/networks", h.authed(h.attendanceSaveNetwork))
	mux.HandleFunc("PUT /api/v1/attendance/networks/{id}", h.authed(h.attendanceSaveNetwork))
	mux.HandleFunc("DELETE /api/v1/attendance/networks/{id}", h.authed(h.attendanceDeleteNetwork))
	mux.HandleFunc("GET /api/v1/attendance/balance", h.authed(h.attendanceBalance))
	mux.HandleFunc("GET /api/v1/attendance/months", h.authed(h.attendanceMonths))
	mux.HandleFunc("GET /api/v1/attendance/months/{dept}/{month}", h.authed(h.attendanceMonthSheet))
	mux.HandleFunc("POST /api/v1/attendance/months/{dept}/{month}/confirm", h.authed(h.attendanceMonthDecide(true)))
	mux.HandleFunc("POST /api/v1/attendance/months/{dept}/{month}/return", h.authed(h.attendanceMonthDecide(false)))
	mux.HandleFunc("GET /api/v1/attendance/months/{dept}/{month}/export", h.authed(h.attendanceMonthExport))
}

// attendanceBalance is the actor's leave balance; with leave_type and a
// period (start, end, start_half, end_half) also what that request takes.
func (h *Handler) attendanceBalance(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	if q.Has("leave_type") {
		b, err := h.deps.Attendance.QuoteLeave(r.Context(), a, attendance.LeaveQuoteRequest{LeaveType: q.Get("leave_type"),
			Start: q.Get("start"), End: q.Get("end"), StartHalf: q.Get("start_half"), EndHalf: q.Get("end_half")})
		respond(w, r, http.StatusOK, b, err)
		return
	}
	b, err := h.deps.Attendance.MyBalance(r.Context(), a)
	respond(w, r, http.StatusOK, b, err)
}

func (h *Handler) attendanceMonths(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ms, err := h.deps.Attendance.Months(r.Context(), a, r.URL.Query().Get("month"))
	respond(w, r, http.StatusOK, map[string]any{"items": ms}, err)
}

func (h *Handler) attendanceMonthSheet(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	sh, err := h.deps.Attendance.MonthSheet(r.Context(), a, r.PathValue("dept"), r.PathValue("month"))
	for i := range sh.Rows {
		sh.Rows[i].Days = nil // the daily detail is in the export
	}
	respond(w, r, http.StatusOK, sh, err)
}

func (h *Handler) attendanceMonthDecide(confirm bool) func(http.ResponseWriter, *http.Request, identity.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a identity.Actor) {
		var in attendance.MonthDecision
		if err := decode(r, &in); err != nil {
			writeError(w, r, err)
			return
		}
		rep, err := h.deps.Attendance.DecideMonth(r.Context(), a, r.PathValue("dept"), r.PathValue("month"), confirm, in)
		respond(w, r, http.StatusOK, rep, err)
	}
}

func (h *Handler) attendanceMonthExport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	month := r.PathValue("month")
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="attendance-`+month+`.xlsx"`)
	if err := h.deps.Attendance.ExportMonthXLSX(r.Context(), a, r.PathValue("dept"), month, r.URL.Query().Get("lang"), &lazyWriter{w: w}); err != nil {
		w.Header().Del("Content-Disposition")
		writeError(w, r, err)
	}
}

func (h *Handler) attendanceToday(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	t, err := h.deps.Attendance.MyToday(r.Context(), a)
	respond(w, r, http.StatusOK, t, err)
}

// attendancePunch takes JSON, or the same fields as a multipart form with
// a photo when the server asked for one (attendance.photo_needed).
func (h *Handler) attendancePunch(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.PunchRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		var lat, lng, acc float64
		var has [3]bool
		err := readAttendanceForm(r, func(name string, b []byte) bool {
			switch name {
			case "lat":
				has[0] = parseNum(b, &lat)
				return has[0]
			case "lng":
				has[1] = parseNum(b, &lng)
				return has[1]
			case "accuracy":
				has[2] = parseNum(b, &acc)
				return has[2]
			case "device":
				in.Device = string(b)
			case "mock":
				in.Mock = string(b) == "true"
			case "photo":
				in.Photo = b
			}
			return true
		})
		if err != nil {
			writeError(w, r, err)
			return
		}
		if has[0] || has[1] || has[2] {
			in.Lat, in.Lng, in.Accuracy = &lat, &lng, &acc
		}
	} else if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	in.ClientIP = h.clientIP(r) // the trusted-proxy rules decide which address is the client's
	p, err := h.deps.Attendance.Punch(r.Context(), a, in)
	respond(w, r, http.StatusCreated, p, err)
}

func parseNum(b []byte, dst *float64) bool {
	v, err := strconv.ParseFloat(string(b), 64)
	*dst = v
	return err == nil
}

// readAttendanceForm reads a punch's multipart form part by part: the
// photo up to MaxPhotoBytes (+1, so too big is seen), other fields up to
// 2,000 bytes; set reports false for a value it cannot read.
func readAttendanceForm(r *http.Request, set func(name string, b []byte) bool) error {
	bad := apperr.Invalid("attendance.invalid", "the punch form is not valid")
	mr, err := r.MultipartReader()
	if err != nil {
		return bad.Wrap(err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return bad.Wrap(err)
		}
		limit := int64(2000)
		if part.FormName() == "photo" {
			limit = attendance.MaxPhotoBytes + 1
		}
		b, err := io.ReadAll(io.LimitReader(part, limit))
		if err != nil {
			return bad.Wrap(err)
		}
		if int64(len(b)) >= limit && part.FormName() != "photo" {
			return bad.WithField(part.FormName(), "too_long")
		}
		if !set(part.FormName(), b) {
			return bad.WithField(part.FormName(), "invalid")
		}
	}
}

// attendanceFieldPunch reads a multipart form: lat, lng, accuracy, note and
// the photo file.
func (h *Handler) attendanceFieldPunch(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.FieldPunchRequest
	err := readAttendanceForm(r, func(name string, b []byte) bool {
		switch name {
		case "lat":
			return parseNum(b, &in.Lat)
		case "lng":
			return parseNum(b, &in.Lng)
		case "accuracy":
			return parseNum(b, &in.Accuracy)
		case "note":
			in.Note = string(b)
		case "photo":
			in.Photo = b
		}
		return true
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.deps.Attendance.FieldPunch(r.Context(), a, in)
	respond(w, r, http.StatusCreated, p, err)
}

func (h *Handler) attendancePunches(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	ps, err := h.deps.Attendance.Punches(r.Context(), a, q.Get("user"), q.Get("from"), q.Get("to"))
	respond(w, r, http.StatusOK, Page[attendance.Punch]{Items: attItems(ps)}, err)
}

func (h *Handler) attendancePhoto(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	b, err := h.deps.Attendance.Photo(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(b)
}

func (h *Handler) attendanceReview(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.ReviewRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.deps.Attendance.Review(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, p, err)
}

func (h *Handler) attendanceCorrect(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.CorrectionRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.deps.Attendance.Correct(r.Context(), a, in)
	respond(w, r, http.StatusCreated, p, err)
}

func (h *Handler) attendanceDays(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	ds, err := h.deps.Attendance.Month(r.Context(), a, q.Get("user"), q.Get("month"))
	respond(w, r, http.StatusOK, Page[attendance.Day]{Items: attItems(ds)}, err)
}

func (h *Handler) attendanceBoard(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	b, err := h.deps.Attendance.TeamBoard(r.Context(), a, q.Get("department"), q.Get("date"))
	respond(w, r, http.StatusOK, b, err)
}

func (h *Handler) attendanceSettings(w http.ResponseWriter, r *http.Request, _ identity.Actor) {
	st, err := h.deps.Attendance.GetSettings(r.Context())
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) attendanceSetSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.Settings
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	st, err := h.deps.Attendance.SetSettings(r.Context(), a, in)
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) attendanceShifts(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ss, err := h.deps.Attendance.Shifts(r.Context(), a)
	respond(w, r, http.StatusOK, Page[attendance.Shift]{Items: attItems(ss)}, err)
}

func (h *Handler) attendanceSaveShift(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.Shift
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	s, err := h.deps.Attendance.SaveShift(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, attSavedStatus(r), s, err)
}

func (h *Handler) attendanceDeleteShift(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	attNoContent(w, r, h.deps.Attendance.DeleteShift(r.Context(), a, r.PathValue("id")))
}

func (h *Handler) attendanceGroups(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	gs, err := h.deps.Attendance.Groups(r.Context(), a)
	respond(w, r, http.StatusOK, Page[attendance.Group]{Items: attItems(gs)}, err)
}

func (h *Handler) attendanceSaveGroup(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.Group
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	g, err := h.deps.Attendance.SaveGroup(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, attSavedStatus(r), g, err)
}

func (h *Handler) attendanceDeleteGroup(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	attNoContent(w, r, h.deps.Attendance.DeleteGroup(r.Context(), a, r.PathValue("id")))
}

func (h *Handler) attendancePlaces(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ps, err := h.deps.Attendance.Places(r.Context(), a)
	respond(w, r, http.StatusOK, Page[attendance.Place]{Items: attItems(ps)}, err)
}

func (h *Handler) attendanceSavePlace(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.PlaceRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.deps.Attendance.SavePlace(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, attSavedStatus(r), p, err)
}

func (h *Handler) attendanceDeletePlace(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	attNoContent(w, r, h.deps.Attendance.DeletePlace(r.Context(), a, r.PathValue("id")))
}

func (h *Handler) attendanceNetworks(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ns, err := h.deps.Attendance.Networks(r.Context(), a)
	respond(w, r, http.StatusOK, Page[attendance.Network]{Items: attItems(ns)}, err)
}

func (h *Handler) attendanceSaveNetwork(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in attendance.Network
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	n, err := h.deps.Attendance.SaveNetwork(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, attSavedStatus(r), n, err)
}

func (h *Handler) attendanceDeleteNetwork(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	attNoContent(w, r, h.deps.Attendance.DeleteNetwork(r.Context(), a, r.PathValue("id")))
}

// attSavedStatus is 201 for a create (POST), 200 for an update.
func attSavedStatus(r *http.Request) int {
	if r.Method == http.MethodPost {
		return http.StatusCreated
	}
	return http.StatusOK
}

func attNoContent(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func attItems[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
