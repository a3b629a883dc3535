package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"tack/backend/identity"
	"tack/backend/notify"
)

func (h *Handler) notifyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/notifications", h.authed(h.listNotifications))
	mux.HandleFunc("GET /api/v1/notifications/unread-count", h.authed(h.unreadCount))
	mux.HandleFunc("POST /api/v1/notifications/{id}/read", h.authed(h.readNotification))
	mux.HandleFunc("POST /api/v1/notifications/read-all", h.authed(h.readAllNotifications))
	mux.HandleFunc("GET /api/v1/events", h.authed(h.eventStream))
	mux.HandleFunc("POST /api/v1/ding", h.authed(h.sendDing))
	mux.HandleFunc("GET /api/v1/ding", h.authed(h.listDings))
	mux.HandleFunc("GET /api/v1/ding/{id}", h.authed(h.getDing))
	mux.HandleFunc("POST /api/v1/ding/{id}/ack", h.authed(h.ackDing))
	mux.HandleFunc("POST /api/v1/announcements", h.authed(h.publishAnnouncement))
	mux.HandleFunc("GET /api/v1/announcements", h.authed(h.listAnnouncements))
	mux.HandleFunc("GET /api/v1/announcements/{id}", h.authed(h.getAnnouncement))
	mux.HandleFunc("GET /api/v1/announcements/can-publish", h.authed(h.canPublish))
	mux.HandleFunc("POST /api/v1/announcements/{id}/read", h.authed(h.readAnnouncement(false)))
	mux.HandleFunc("POST /api/v1/announcements/{id}/ack", h.authed(h.readAnnouncement(true)))
	mux.HandleFunc("GET /api/v1/announcements/{id}/receipts", h.authed(h.announcementReceipts))
	mux.HandleFunc("POST /api/v1/announcements/{id}/remind", h.authed(h.remindAnnouncement))
	mux.HandleFunc("GET /api/v1/settings/email", h.authed(h.getEmailSettings))
	mux.HandleFunc("PUT /api/v1/settings/email", h.authed(h.putEmailSettings))
	mux.HandleFunc("POST /api/v1/settings/email/test", h.authed(h.testEmailSettings))
}

func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	unread := r.URL.Query().Get("unread") == "1" || r.URL.Query().Get("unread") == "true"
	items, next, err := h.deps.Notify.List(r.Context(), a, unread, limit, cursor)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[notify.Notification]{Items: items, NextCursor: next})
}

func (h *Handler) unreadCount(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	n, err := h.deps.Notify.UnreadCount(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"count": n})
}

func (h *Handler) readNotification(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	n, err := h.deps.Notify.MarkRead(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

func (h *Handler) readAllNotifications(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	n, err := h.deps.Notify.MarkAllRead(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"marked": n})
}

// eventStream is the SSE stream of the actor's events: replays what was
// missed after Last-Event-ID (or ?last_event_id=), then streams live events
// from the hub, with a heartbeat comment every 20 s.
func (h *Handler) eventStream(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if !h.openStream(w, r, a.UserID) {
		return
	}
	defer h.streams.release(a.UserID)
	ctx := r.Context()
	svc := h.deps.Notify
	sub := svc.Hub().SubscribeSession(a.UserID, a.SessionID) // before replay, so nothing falls between
	defer sub.Close()
	// A session revoked between authentication and Subscribe had its
	// close event published before this subscription existed: look again.
	if token, _ := bearerToken(r); token != "" {
		if _, err := h.deps.Org.AuthenticateUncached(ctx, token); err != nil {
			writeError(w, r, err)
			return
		}
	}
	lastID := r.Header.Get("Last-Event-ID")
	if lastID == "" {
		lastID = r.URL.Query().Get("last_event_id")
	}
	var last int64
	if lastID != "" {
		last, _ = strconv.ParseInt(lastID, 10, 64)
	} else {
		var err error
		if last, err = svc.LastEventID(ctx); err != nil {
			writeError(w, r, err)
			return
		}
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n: connected\n\n")
	if lastID == "" {
		// An id with no data sets the browser's last event ID without an
		// event, so a reconnect before the first event still resumes here.
		fmt.Fprintf(w, "id: %d\n\n", last)
	}
	_ = svc.TouchPresence(ctx, a.UserID)
	sent := map[int64]bool{}
	send := func(ev notify.Event) error {
		if sent[ev.ID] {
			return nil
		}
		sent[ev.ID] = true
		if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Type, eventJSON(ev)); err != nil {
			return err
		}
		return rc.Flush()
	}
	// Replay in pages until caught up: a client that missed more than a
	// page (e.g. closed by the hub for falling behind) must not lose the
	// events between the page and the live subscription.
	for after := last; ; {
		replay, err := svc.EventsAfter(ctx, a.UserID, after, 1000)
		if err != nil {
			return
		}
		for _, ev := range replay {
			if send(ev) != nil {
				return
			}
		}
		if len(replay) < 1000 {
			break
		}
		after = replay[len(replay)-1].ID
	}
	if rc.Flush() != nil {
		return
	}
	hb := time.NewTicker(20 * time.Second)
	defer hb.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-sub.C:
			if !ok {
				return // shutting down, or the session or account ended
			}
			if lastID != "" && ev.ID <= last {
				continue // the client had it before reconnecting
			}
			if send(ev) != nil {
				return
			}
		case <-hb.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
			_ = svc.TouchPresence(ctx, a.UserID)
		}
	}
}

func (h *Handler) sendDing(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req notify.DingRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Notify.SendDing(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (h *Handler) listDings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	items, next, err := h.deps.Notify.ListDings(r.Context(), a, r.URL.Query().Get("box"), limit, cursor)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[notify.Ding]{Items: items, NextCursor: next})
}

func (h *Handler) getDing(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Notify.GetDing(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *Handler) ackDing(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Notify.AckDing(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *Handler) publishAnnouncement(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req notify.AnnouncementRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	an, err := h.deps.Notify.Publish(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, an)
}

func (h *Handler) listAnnouncements(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	items, next, err := h.deps.Notify.ListAnnouncements(r.Context(), a, limit, cursor)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[notify.Announcement]{Items: items, NextCursor: next})
}

func (h *Handler) canPublish(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	writeJSON(w, http.StatusOK, map[string]bool{"can_publish": h.deps.Notify.CanPublish(a)})
}

func (h *Handler) getAnnouncement(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	an, err := h.deps.Notify.GetAnnouncement(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"announcement": an, "can_manage": h.deps.Notify.CanManage(a, an)})
}

func (h *Handler) readAnnouncement(ack bool) ActorHandler {
	return func(w http.ResponseWriter, r *http.Request, a identity.Actor) {
		an, err := h.deps.Notify.MarkAnnouncementRead(r.Context(), a, r.PathValue("id"), ack)
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, an)
	}
}

func (h *Handler) announcementReceipts(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	rc, err := h.deps.Notify.AnnouncementReceipts(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rc)
}

func (h *Handler) remindAnnouncement(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Notify.RemindAnnouncement(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

// streamEvent is what an SSE client receives of an event: everything but the
// recipient list, which would tell each receiver who else was told (and, for
// an announcement to the whole company, make every message as large as the
// company).
type streamEvent struct {
	ID          int64          `json:"id"`
	Type        string         `json:"type"`
	SubjectType string         `json:"subject_type"`
	SubjectID   string         `json:"subject_id"`
	ActorID     string         `json:"actor_id"`
	Data        map[string]any `json:"data"`
	CreatedAt   time.Time      `json:"created_at"`
}

func eventJSON(ev notify.Event) []byte {
	b, _ := json.Marshal(streamEvent{ID: ev.ID, Type: ev.Type, SubjectType: ev.SubjectType, SubjectID: ev.SubjectID,
		ActorID: ev.ActorID, Data: ev.Data, CreatedAt: ev.CreatedAt})
	return b
}

func (h *Handler) getEmailSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	es, err := h.deps.Notify.EmailSettings(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, es)
}

func (h *Handler) putEmailSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req notify.EmailSettings
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	es, err := h.deps.Notify.SetEmailSettings(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, es)
}

func (h *Handler) testEmailSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req notify.EmailSettings
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	if err := h.deps.Notify.SendTestEmail(r.Context(), a, req); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
