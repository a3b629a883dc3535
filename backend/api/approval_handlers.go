package api

import (
	"io"
	"mime"
	"net/http"
	"path"
	"time"

	"tack/backend/apperr"
	"tack/backend/approval"
	"tack/backend/identity"
)

// approvalRoutes registers templates, the inbox, instance actions, stats
// and export (the working calendar is workcal's: workcal_handlers.go).
func (h *Handler) approvalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/approval/templates", h.authed(h.listApprovalTemplates))
	mux.HandleFunc("POST /api/v1/approval/templates", h.authed(h.createApprovalTemplate))
	mux.HandleFunc("GET /api/v1/approval/templates/{id}", h.authed(h.getApprovalTemplate))
	mux.HandleFunc("PATCH /api/v1/approval/templates/{id}", h.authed(h.updateApprovalTemplate))
	mux.HandleFunc("DELETE /api/v1/approval/templates/{id}", h.authed(h.deleteApprovalTemplate))
	mux.HandleFunc("POST /api/v1/approval/templates/{id}/preview", h.authed(h.previewApproval))
	mux.HandleFunc("GET /api/v1/approval/stats", h.authed(h.approvalStats))
	mux.HandleFunc("GET /api/v1/approvals", h.authed(h.listApprovals))
	mux.HandleFunc("POST /api/v1/approvals", h.authed(h.submitApproval))
	mux.HandleFunc("GET /api/v1/approvals/export", h.authed(h.exportApprovals))
	mux.HandleFunc("GET /api/v1/approvals/counts", h.authed(h.approvalCounts))
	mux.HandleFunc("POST /api/v1/approvals/bulk-approve", h.authed(h.bulkApprove))
	mux.HandleFunc("POST /api/v1/approval/attachments", h.authed(h.uploadApprovalAttachment))
	mux.HandleFunc("GET /api/v1/approvals/{id}", h.authed(h.getApproval))
	mux.HandleFunc("GET /api/v1/approvals/{id}/attachments/{file}", h.authed(h.approvalAttachment))
	mux.HandleFunc("POST /api/v1/approvals/{id}/{action}", h.authed(h.approvalAction))
}

func (h *Handler) listApprovalTemplates(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ts, err := h.deps.Approval.Templates(r.Context(), a)
	approvalPage(w, r, ts, "", err)
}

func (h *Handler) getApprovalTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	t, err := h.deps.Approval.Template(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, t, err)
}

func (h *Handler) createApprovalTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in approval.TemplateInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := h.deps.Approval.CreateTemplate(r.Context(), a, in)
	respond(w, r, http.StatusCreated, t, err)
}

func (h *Handler) updateApprovalTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in approval.TemplateInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := h.deps.Approval.UpdateTemplate(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, t, err)
}

func (h *Handler) deleteApprovalTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	respond(w, r, http.StatusNoContent, nil, h.deps.Approval.DeleteTemplate(r.Context(), a, r.PathValue("id")))
}

func (h *Handler) previewApproval(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in approval.SubmitRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.deps.Approval.PreviewRoute(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, p, err)
}

func approvalFilter(r *http.Request, loc *time.Location) (approval.ListFilter, error) {
	q := r.URL.Query()
	f := approval.ListFilter{Box: q.Get("box"), Query: q.Get("q"), TemplateID: q.Get("template_id"), Status: q.Get("status")}
	f.Limit, f.Cursor = pageParams(r)
	var v apperr.Validator
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				// A date is a day of the company's calendar; "to" includes it.
				t, err = time.ParseInLocation(time.DateOnly, s, loc)
				if err == nil && p.name == "to" {
					t = t.AddDate(0, 0, 1)
				}
			}
			v.Check(err == nil, p.name, "invalid")
			if err == nil {
				t = t.UTC() // SQLite compares times as text: one zone for all
				*p.dst = &t
			}
		}
	}
	return f, v.Err("approval.invalid_filter", "check the filter")
}

func (h *Handler) listApprovals(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	f, err := approvalFilter(r, h.deps.Approval.Location())
	if err != nil {
		writeError(w, r, err)
		return
	}
	items, next, err := h.deps.Approval.List(r.Context(), a, f)
	approvalPage(w, r, items, next, err)
}

func (h *Handler) submitApproval(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in approval.SubmitRequest
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	inst, err := h.deps.Approval.Submit(r.Context(), a, in)
	respond(w, r, http.StatusCreated, inst, err)
}

func (h *Handler) getApproval(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Approval.Get(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) approvalAction(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in approval.ActionRequest
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			writeError(w, r, err)
			return
		}
	}
	svc, id, ctx := h.deps.Approval, r.PathValue("id"), r.Context()
	var (
		inst approval.Instance
		err  error
	)
	switch r.PathValue("action") {
	case "approve":
		inst, err = svc.Approve(ctx, a, id, in)
	case "reject":
		inst, err = svc.Reject(ctx, a, id, in)
	case "transfer":
		inst, err = svc.Transfer(ctx, a, id, in)
	case "add-approver":
		inst, err = svc.AddApprover(ctx, a, id, in)
	case "return":
		inst, err = svc.Return(ctx, a, id, in)
	case "withdraw":
		inst, err = svc.Withdraw(ctx, a, id, in)
	case "remind":
		inst, err = svc.Remind(ctx, a, id)
	case "comment":
		inst, err = svc.Comment(ctx, a, id, in)
	default:
		writeError(w, r, apperr.NotFound("route_not_found", "no such API route"))
		return
	}
	respond(w, r, http.StatusOK, inst, err)
}

func (h *Handler) bulkApprove(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in struct {
		IDs     []string `json:"ids"`
		Comment string   `json:"comment"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Approval.BulkApprove(r.Context(), a, in.IDs, in.Comment)
	respond(w, r, http.StatusOK, map[string]any{"results": res}, err)
}

func (h *Handler) approvalCounts(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	c, err := h.deps.Approval.Counts(r.Context(), a)
	respond(w, r, http.StatusOK, c, err)
}

func (h *Handler) approvalStats(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	f, err := approvalFilter(r, h.deps.Approval.Location())
	if err != nil {
		writeError(w, r, err)
		return
	}
	st, err := h.deps.Approval.Stats(r.Context(), a, f)
	respond(w, r, http.StatusOK, st, err)
}

func (h *Handler) exportApprovals(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	f, err := approvalFilter(r, h.deps.Approval.Location())
	if err != nil {
		writeError(w, r, err)
		return
	}
	lang := r.URL.Query().Get("lang")
	name := "approvals-" + time.Now().UTC().Format("20060102")
	if r.URL.Query().Get("format") == "xlsx" {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		err = h.deps.Approval.ExportXLSX(r.Context(), a, f, lang, &lazyWriter{w: w})
	} else {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		err = h.deps.Approval.ExportCSV(r.Context(), a, f, lang, &lazyWriter{w: w})
	}
	if err != nil {
		w.Header().Del("Content-Disposition")
		writeError(w, r, err)
	}
}

// lazyWriter delays the status line until the first byte, so an export that
// fails before writing still gets a JSON error.
type lazyWriter struct {
	w       http.ResponseWriter
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// uploadApprovalAttachment stores a file for a request being filled in: the
// first file part of a multipart/form-data body, or the raw body with ?name=.
func (h *Handler) uploadApprovalAttachment(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	name, body := r.URL.Query().Get("name"), io.Reader(r.Body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		part, err := firstFilePart(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		defer part.Close()
		if name == "" {
			name = part.FileName()
		}
		body = part
	}
	att, err := h.deps.Approval.UploadAttachment(r.Context(), a, name, body)
	respond(w, r, http.StatusCreated, att, err)
}

// approvalAttachment downloads a file of an approval the caller may see.
func (h *Handler) approvalAttachment(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	c, err := h.deps.Approval.OpenAttachment(r.Context(), a, r.PathValue("id"), r.PathValue("file"))
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
	if r.URL.Query().Get("inline") == "1" && inlineType(ct) {
		disp = "inline"
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("ETag", `"`+c.Hash+`"`)
	hd.Set("Content-Disposition", contentDisposition(disp, c.Name))
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox allow-downloads; default-src 'none'")
	http.ServeContent(w, r, "", c.ModTime, c.Body)
}

func approvalPage[T any](w http.ResponseWriter, r *http.Request, items []T, next string, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, Page[T]{Items: items, NextCursor: next})
}
