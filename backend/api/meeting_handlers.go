package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/meeting"
)

// meetingRoutes registers rooms, meetings, free/busy, find-a-time, minutes,
// tasks and the iCalendar feeds.
func (h *Handler) meetingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/rooms", h.authed(h.listRooms))
	mux.HandleFunc("POST /api/v1/rooms", h.authed(h.createRoom))
	mux.HandleFunc("GET /api/v1/rooms/{id}", h.authed(h.getRoom))
	mux.HandleFunc("PATCH /api/v1/rooms/{id}", h.authed(h.updateRoom))
	mux.HandleFunc("DELETE /api/v1/rooms/{id}", h.authed(h.deleteRoom))
	mux.HandleFunc("GET /api/v1/meetings", h.authed(h.listMeetings))
	mux.HandleFunc("POST /api/v1/meetings", h.authed(h.createMeeting))
	mux.HandleFunc("POST /api/v1/meetings/find-time", h.authed(h.findTime))
	mux.HandleFunc("GET /api/v1/meetings/{id}", h.authed(h.getMeeting))
	mux.HandleFunc("PATCH /api/v1/meetings/{id}", h.authed(h.updateMeeting))
	mux.HandleFunc("DELETE /api/v1/meetings/{id}", h.authed(h.cancelMeeting))
	mux.HandleFunc("POST /api/v1/meetings/{id}/occurrences", h.authed(h.editOccurrence))
	mux.HandleFunc("POST /api/v1/meetings/{id}/rsvp", h.authed(h.rsvp))
	mux.HandleFunc("GET /api/v1/meetings/{id}/minutes", h.authed(h.getMinutes))
	mux.HandleFunc("PUT /api/v1/meetings/{id}/minutes", h.authed(h.saveMinutes))
	mux.HandleFunc("POST /api/v1/meetings/{id}/minutes/publish", h.authed(h.publishMinutes))
	mux.HandleFunc("GET /api/v1/freebusy", h.authed(h.freeBusy))
	mux.HandleFunc("GET /api/v1/tasks", h.authed(h.listTasks))
	mux.HandleFunc("PATCH /api/v1/tasks/{id}", h.authed(h.updateTask))
	mux.HandleFunc("GET /api/v1/calendar/token", h.authed(h.calendarFeedStatus))
	mux.HandleFunc("POST /api/v1/calendar/token", h.authed(h.calendarToken))
	mux.HandleFunc("DELETE /api/v1/calendar/token", h.authed(h.revokeCalendarFeed))
	mux.HandleFunc("GET /api/v1/calendar/{file}", h.calendarFeed) // the token is the credential
}

func (h *Handler) listRooms(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	rooms, err := h.deps.Meeting.Rooms(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[meeting.Room]{Items: rooms})
}

func (h *Handler) createRoom(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.RoomInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	room, err := h.deps.Meeting.CreateRoom(r.Context(), a, in)
	respond(w, r, http.StatusCreated, room, err)
}

func (h *Handler) getRoom(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	room, err := h.deps.Meeting.Room(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, room, err)
}

func (h *Handler) updateRoom(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.RoomInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	room, err := h.deps.Meeting.UpdateRoom(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, room, err)
}

func (h *Handler) deleteRoom(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Meeting.DeleteRoom(r.Context(), a, r.PathValue("id")); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// meetingQueryTime reads an RFC 3339 query parameter; a bad value is a field error.
func meetingQueryTime(r *http.Request, name string, v *apperr.Validator) time.Time {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	v.Check(err == nil, name, "invalid")
	return t
}

func (h *Handler) listMeetings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var v apperr.Validator
	f := meeting.ListFilter{From: meetingQueryTime(r, "from", &v), To: meetingQueryTime(r, "to", &v),
		RoomID: r.URL.Query().Get("room_id"), UserID: r.URL.Query().Get("user_id")}
	if err := v.Err("meeting.invalid_window", "the time window is not valid"); err != nil {
		writeError(w, r, err)
		return
	}
	occ, err := h.deps.Meeting.List(r.Context(), a, f)
	respond(w, r, http.StatusOK, Page[meeting.Occurrence]{Items: occ}, err)
}

func (h *Handler) createMeeting(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.MeetingInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Meeting.Create(r.Context(), a, in)
	respond(w, r, http.StatusCreated, res, err)
}

func (h *Handler) getMeeting(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	id := r.PathValue("id")
	if strings.HasSuffix(id, ".ics") {
		ics, err := h.deps.Meeting.ICS(r.Context(), a, strings.TrimSuffix(id, ".ics"))
		meetingWriteICS(w, r, ics, err)
		return
	}
	m, err := h.deps.Meeting.Get(r.Context(), a, id)
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) updateMeeting(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.MeetingInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Meeting.Update(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, res, err)
}

func (h *Handler) cancelMeeting(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	version, _ := strconv.Atoi(r.URL.Query().Get("version"))
	m, err := h.deps.Meeting.Cancel(r.Context(), a, r.PathValue("id"), version)
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) editOccurrence(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.OccurrenceInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Meeting.EditOccurrence(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, res, err)
}

func (h *Handler) rsvp(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in struct {
		Response string `json:"response"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	m, err := h.deps.Meeting.RSVP(r.Context(), a, r.PathValue("id"), in.Response)
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) getMinutes(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var v apperr.Validator
	occ := meetingQueryTime(r, "occurrence", &v)
	if err := v.Err("meeting.invalid_minutes", "bad occurrence"); err != nil {
		writeError(w, r, err)
		return
	}
	mn, err := h.deps.Meeting.Minutes(r.Context(), a, r.PathValue("id"), occ)
	respond(w, r, http.StatusOK, mn, err)
}

func (h *Handler) saveMinutes(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.MinutesInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	mn, err := h.deps.Meeting.SaveMinutes(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, mn, err)
}

func (h *Handler) publishMinutes(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in struct {
		OccurrenceStart time.Time `json:"occurrence_start"`
		Version         int       `json:"version"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	mn, err := h.deps.Meeting.PublishMinutes(r.Context(), a, r.PathValue("id"), in.OccurrenceStart, in.Version)
	respond(w, r, http.StatusOK, mn, err)
}

func (h *Handler) findTime(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.FindTimeInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	sug, err := h.deps.Meeting.FindTime(r.Context(), a, in)
	respond(w, r, http.StatusOK, Page[meeting.Suggestion]{Items: sug}, err)
}

func meetingSplitIDs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) freeBusy(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var v apperr.Validator
	from, to := meetingQueryTime(r, "from", &v), meetingQueryTime(r, "to", &v)
	if err := v.Err("meeting.invalid_window", "the time window is not valid"); err != nil {
		writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	fb, err := h.deps.Meeting.FreeBusy(r.Context(), a, meetingSplitIDs(q.Get("users")), meetingSplitIDs(q.Get("rooms")), from, to)
	respond(w, r, http.StatusOK, fb, err)
}

func (h *Handler) listTasks(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	q := r.URL.Query()
	ts, next, err := h.deps.Meeting.Tasks(r.Context(), a, meeting.TaskFilter{Status: q.Get("status"),
		Mine: q.Get("mine") == "1" || q.Get("mine") == "true", Limit: limit, Cursor: cursor})
	respond(w, r, http.StatusOK, Page[meeting.Task]{Items: ts, NextCursor: next}, err)
}

func (h *Handler) updateTask(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in meeting.TaskPatch
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := h.deps.Meeting.UpdateTask(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, t, err)
}

func (h *Handler) calendarToken(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	token, err := h.deps.Meeting.CalendarToken(r.Context(), a)
	respond(w, r, http.StatusOK, map[string]string{"token": token, "path": "/api/v1/calendar/" + token + ".ics"}, err)
}

func (h *Handler) calendarFeedStatus(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	st, err := h.deps.Meeting.CalendarFeed(r.Context(), a)
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) revokeCalendarFeed(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Meeting.RevokeCalendarFeed(r.Context(), a); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) calendarFeed(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if !strings.HasSuffix(file, ".ics") {
		writeError(w, r, meeting.ErrBadToken)
		return
	}
	ics, err := h.deps.Meeting.Feed(r.Context(), strings.TrimSuffix(file, ".ics"))
	meetingWriteICS(w, r, ics, err)
}

func meetingWriteICS(w http.ResponseWriter, r *http.Request, ics string, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(ics))
}
