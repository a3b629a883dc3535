package api

import (
	"mime"
	"net/http"
	"path"

	"tack/backend/chat"
	"tack/backend/identity"
)

// chatFileRoutes: files and images in chat (backend/chat/API.md, "Files").
func (h *Handler) chatFileRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/chat/conversations/{id}/files", h.authed(h.sendChatFile))
	mux.HandleFunc("GET /api/v1/chat/messages/{id}/file", h.authed(h.chatFile))
	mux.HandleFunc("GET /api/v1/chat/messages/{id}/thumbnail", h.authed(h.chatThumbnail))
}

// sendChatFile sends the first file part of a multipart/form-data body, or
// the raw body with ?name=; ?client_key= and ?reply_to_id= as for text.
func (h *Handler) sendChatFile(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	in := chat.SendFileRequest{ClientKey: q.Get("client_key"), Name: q.Get("name"), ReplyToID: q.Get("reply_to_id"),
		Size: r.ContentLength, Body: r.Body}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		part, err := firstFilePart(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer part.Close()
		if in.Name == "" {
			in.Name = part.FileName()
		}
		in.Body = part
		// The form's length is a little more than the file's: still a
		// refusal before any byte is stored when it is far too large.
	}
	m, err := h.deps.Chat.SendFile(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, m, err)
}

func (h *Handler) chatFile(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	h.serveChatFile(w, r, a, false)
}

func (h *Handler) chatThumbnail(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	h.serveChatFile(w, r, a, true)
}

// serveChatFile serves as driveContent does: Range, ETag, sandboxed, an
// attachment unless ?inline=1 and the type is safe to show.
func (h *Handler) serveChatFile(w http.ResponseWriter, r *http.Request, a identity.Actor, thumb bool) {
	c, err := h.deps.Chat.OpenFile(r.Context(), a, r.PathValue("id"), thumb)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer c.Body.Close()
	ct := mime.TypeByExtension(path.Ext(c.Name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	disp := "attachment"
	if (thumb || r.URL.Query().Get("inline") == "1") && inlineType(ct) {
		disp = "inline"
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("ETag", `"`+c.Hash+`"`)
	hd.Set("Content-Disposition", contentDisposition(disp, c.Name))
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox allow-downloads; default-src 'none'; frame-ancestors 'none'")
	http.ServeContent(w, r, "", c.ModTime, c.Body)
}
