package api

import (
	"net/http"
	"strconv"

	"tack/backend/chat"
	"tack/backend/identity"
)

// chatGroupRoutes: the group announcement, the company's chat settings
// (retention) and the administrator's audited export (backend/chat/API.md).
func (h *Handler) chatGroupRoutes(mux *http.ServeMux) {
	mux.HandleFunc("PUT /api/v1/chat/conversations/{id}/announcement", h.authed(h.setChatAnnouncement))
	mux.HandleFunc("POST /api/v1/chat/conversations/{id}/announcement/read", h.authed(h.readChatAnnouncement))
	mux.HandleFunc("GET /api/v1/chat/conversations/{id}/announcement/receipts", h.authed(h.chatAnnouncementReceipts))
	mux.HandleFunc("GET /api/v1/chat/conversations/{id}/export", h.authed(h.exportConversation))
	mux.HandleFunc("GET /api/v1/chat/admin/conversations", h.authed(h.findConversations))
	mux.HandleFunc("GET /api/v1/chat/settings", h.authed(h.chatSettings))
	mux.HandleFunc("PUT /api/v1/chat/settings", h.authed(h.setChatSettings))
}

func (h *Handler) setChatAnnouncement(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.AnnouncementRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.SetAnnouncement(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) readChatAnnouncement(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	c, err := h.deps.Chat.ReadAnnouncement(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) chatAnnouncementReceipts(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	rc, err := h.deps.Chat.AnnouncementReceipts(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, rc, err)
}

func (h *Handler) exportConversation(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	x, err := h.deps.Chat.ExportConversation(r.Context(), a, r.PathValue("id"), r.URL.Query().Get("format"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", x.ContentType)
	w.Header().Set("Content-Disposition", contentDisposition("attachment", x.Name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(x.Body)
}

func (h *Handler) findConversations(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	p, err := h.deps.Chat.FindConversations(r.Context(), a, chat.FindFilter{Query: q.Get("q"), Kind: q.Get("kind"),
		Cursor: q.Get("cursor"), Limit: limit})
	respond(w, r, http.StatusOK, p, err)
}

func (h *Handler) chatSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	s, err := h.deps.Chat.GetSettings(r.Context(), a)
	respond(w, r, http.StatusOK, s, err)
}

func (h *Handler) setChatSettings(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.Settings
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	s, err := h.deps.Chat.SetSettings(r.Context(), a, in)
	respond(w, r, http.StatusOK, s, err)
}
