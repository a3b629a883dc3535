package api

import (
	"net/http"
	"strconv"
	"time"

	"tack/backend/apperr"
	"tack/backend/chat"
	"tack/backend/identity"
)

// chatRoutes registers conversations, messages and read receipts
// (backend/chat/API.md). The service decides who may do what.
func (h *Handler) chatRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/chat/conversations", h.authed(h.listConversations))
	mux.HandleFunc("POST /api/v1/chat/conversations", h.authed(h.createGroup))
	mux.HandleFunc("POST /api/v1/chat/direct", h.authed(h.openDirect))
	mux.HandleFunc("GET /api/v1/chat/unread", h.authed(h.chatUnread))
	mux.HandleFunc("GET /api/v1/chat/search", h.authed(h.searchMessages))
	mux.HandleFunc("GET /api/v1/chat/conversations/{id}", h.authed(h.getConversation))
	mux.HandleFunc("PATCH /api/v1/chat/conversations/{id}", h.authed(h.updateGroup))
	mux.HandleFunc("PUT /api/v1/chat/conversations/{id}/mine", h.authed(h.setMine))
	mux.HandleFunc("POST /api/v1/chat/conversations/{id}/members", h.authed(h.addMembers))
	mux.HandleFunc("DELETE /api/v1/chat/conversations/{id}/members/{user}", h.authed(h.removeMember))
	mux.HandleFunc("PUT /api/v1/chat/conversations/{id}/members/{user}/role", h.authed(h.setMemberRole))
	mux.HandleFunc("POST /api/v1/chat/conversations/{id}/dissolve", h.authed(h.dissolveGroup))
	mux.HandleFunc("POST /api/v1/chat/conversations/{id}/read", h.authed(h.markRead))
	mux.HandleFunc("GET /api/v1/chat/conversations/{id}/messages", h.authed(h.listMessages))
	mux.HandleFunc("POST /api/v1/chat/conversations/{id}/messages", h.authed(h.sendMessage))
	mux.HandleFunc("GET /api/v1/chat/messages/{id}", h.authed(h.getMessage))
	mux.HandleFunc("PATCH /api/v1/chat/messages/{id}", h.authed(h.editMessage))
	mux.HandleFunc("POST /api/v1/chat/messages/{id}/recall", h.authed(h.recallMessage))
	mux.HandleFunc("POST /api/v1/chat/messages/{id}/forward", h.authed(h.forwardMessage))
	mux.HandleFunc("GET /api/v1/chat/messages/{id}/receipts", h.authed(h.messageReceipts))
	mux.HandleFunc("POST /api/v1/chat/messages/{id}/ding", h.authed(h.dingUnread))
}

func (h *Handler) listConversations(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	cs, err := h.deps.Chat.ListConversations(r.Context(), a)
	respond(w, r, http.StatusOK, Page[chat.ConversationView]{Items: cs}, err)
}

func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.NewGroupRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.CreateGroup(r.Context(), a, in)
	respond(w, r, http.StatusCreated, c, err)
}

func (h *Handler) openDirect(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.DirectRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.OpenDirect(r.Context(), a, in)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) chatUnread(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	u, err := h.deps.Chat.UnreadTotal(r.Context(), a)
	respond(w, r, http.StatusOK, u, err)
}

func (h *Handler) getConversation(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	c, err := h.deps.Chat.GetConversation(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) updateGroup(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.UpdateGroupRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.UpdateGroup(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) setMine(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.MySettingsRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.SetMine(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) addMembers(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.MembersRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.AddMembers(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	err := h.deps.Chat.RemoveMember(r.Context(), a, r.PathValue("id"), r.PathValue("user"))
	respond(w, r, http.StatusNoContent, nil, err)
}

func (h *Handler) setMemberRole(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.RoleRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.SetRole(r.Context(), a, r.PathValue("id"), r.PathValue("user"), in)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) dissolveGroup(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	c, err := h.deps.Chat.Dissolve(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) markRead(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.ReadRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Chat.MarkRead(r.Context(), a, r.PathValue("id"), in.Seq)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	limit, _ := pageParams(r)
	if around, _ := strconv.ParseInt(q.Get("around"), 10, 64); around > 0 {
		p, err := h.deps.Chat.ListAround(r.Context(), a, r.PathValue("id"), around, limit)
		respond(w, r, http.StatusOK, p, err)
		return
	}
	p, err := h.deps.Chat.ListMessages(r.Context(), a, r.PathValue("id"), after, before, limit)
	respond(w, r, http.StatusOK, p, err)
}

// searchMessages: GET /api/v1/chat/search?q=&conversation_id=&sender_id=&from=&to=
// (from and to are RFC 3339 times; to is exclusive).
func (h *Handler) searchMessages(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	req := chat.SearchRequest{Q: q.Get("q"), ConversationID: q.Get("conversation_id"), SenderID: q.Get("sender_id")}
	req.Limit, _ = pageParams(r)
	var bad []string
	for name, dst := range map[string]*time.Time{"from": &req.From, "to": &req.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad = append(bad, name)
			}
			*dst = t
		}
	}
	if len(bad) > 0 {
		err := apperr.Invalid("chat.invalid_search", "the search is not valid")
		for _, f := range bad {
			err = err.WithField(f, "invalid")
		}
		writeError(w, r, err)
		return
	}
	hits, err := h.deps.Chat.Search(r.Context(), a, req)
	respond(w, r, http.StatusOK, Page[chat.SearchHit]{Items: hits}, err)
}

func (h *Handler) sendMessage(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.SendRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	m, err := h.deps.Chat.Send(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, m, err)
}

func (h *Handler) getMessage(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	m, err := h.deps.Chat.GetMessage(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) editMessage(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.EditRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	m, err := h.deps.Chat.Edit(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) recallMessage(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	m, err := h.deps.Chat.Recall(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, m, err)
}

func (h *Handler) forwardMessage(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.ForwardRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	ms, err := h.deps.Chat.Forward(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, Page[chat.MessageView]{Items: ms}, err)
}

func (h *Handler) messageReceipts(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	rc, err := h.deps.Chat.Receipts(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, rc, err)
}

func (h *Handler) dingUnread(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in chat.DingUnreadRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Chat.DingUnread(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, d, err)
}
