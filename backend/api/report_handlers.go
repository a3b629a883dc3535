package api

import (
	"net/http"
	"strconv"
	"strings"

	"tack/backend/identity"
	"tack/backend/report"
)

// reportRoutes registers work reports (backend/report/API.md).
func (h *Handler) reportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/report/templates", h.authed(h.reportTemplates))
	mux.HandleFunc("GET /api/v1/report/templates/{id}", h.authed(h.reportTemplate))
	mux.HandleFunc("GET /api/v1/report/templates/manage", h.authed(h.managedReportTemplates))
	mux.HandleFunc("POST /api/v1/report/templates", h.authed(h.createReportTemplate))
	mux.HandleFunc("PUT /api/v1/report/templates/{id}", h.authed(h.updateReportTemplate))
	mux.HandleFunc("DELETE /api/v1/report/templates/{id}", h.authed(h.deactivateReportTemplate))
	mux.HandleFunc("GET /api/v1/reports/team", h.authed(h.teamReports))
	mux.HandleFunc("GET /api/v1/report/missing", h.authed(h.reportMissing))
	mux.HandleFunc("GET /api/v1/report/missing/export", h.authed(h.exportReportMissing))
	mux.HandleFunc("GET /api/v1/report/stats", h.authed(h.reportStats))
	mux.HandleFunc("GET /api/v1/report/suggestion", h.authed(h.reportSuggestion))
	mux.HandleFunc("GET /api/v1/report/week", h.authed(h.reportWeek))
	mux.HandleFunc("POST /api/v1/reports", h.authed(h.startReport))
	mux.HandleFunc("GET /api/v1/reports/sent", h.authed(h.sentReports))
	mux.HandleFunc("GET /api/v1/reports/received", h.authed(h.receivedReports))
	mux.HandleFunc("GET /api/v1/reports/search", h.authed(h.searchReports))
	mux.HandleFunc("GET /api/v1/reports/{id}", h.authed(h.getReport))
	mux.HandleFunc("PUT /api/v1/reports/{id}", h.authed(h.saveReport))
	mux.HandleFunc("DELETE /api/v1/reports/{id}", h.authed(h.deleteReport))
	mux.HandleFunc("POST /api/v1/reports/{id}/submit", h.authed(h.submitReport))
	mux.HandleFunc("GET /api/v1/reports/{id}/revisions", h.authed(h.reportRevisions))
	mux.HandleFunc("GET /api/v1/reports/{id}/comments", h.authed(h.reportComments))
	mux.HandleFunc("POST /api/v1/reports/{id}/comments", h.authed(h.addReportComment))
	mux.HandleFunc("PUT /api/v1/reports/{id}/like", h.authed(h.likeReport))
	mux.HandleFunc("DELETE /api/v1/reports/{id}/like", h.authed(h.unlikeReport))
}

func (h *Handler) reportTemplates(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ts, err := h.deps.Report.Templates(r.Context(), a)
	respond(w, r, http.StatusOK, Page[report.Template]{Items: ts}, err)
}

func (h *Handler) reportTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	t, err := h.deps.Report.Template(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, t, err)
}

func (h *Handler) managedReportTemplates(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	ts, err := h.deps.Report.ManagedTemplates(r.Context(), a)
	respond(w, r, http.StatusOK, Page[report.Template]{Items: ts}, err)
}

func (h *Handler) createReportTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in report.TemplateInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := h.deps.Report.CreateTemplate(r.Context(), a, in)
	respond(w, r, http.StatusCreated, t, err)
}

func (h *Handler) updateReportTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in report.TemplateInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	t, err := h.deps.Report.UpdateTemplate(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, t, err)
}

func (h *Handler) deactivateReportTemplate(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	err := h.deps.Report.DeactivateTemplate(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusNoContent, nil, err)
}

func (h *Handler) teamReports(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	items, next, err := h.deps.Report.Team(r.Context(), a, reportFilter(r))
	respond(w, r, http.StatusOK, Page[report.Detail]{Items: items, NextCursor: next}, err)
}

func (h *Handler) reportMissing(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	v, err := h.deps.Report.Missing(r.Context(), a, q.Get("template_id"), q.Get("period"))
	respond(w, r, http.StatusOK, v, err)
}

func (h *Handler) reportWeek(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	user := q.Get("user_id")
	if user == "" {
		user = a.UserID
	}
	v, err := h.deps.Report.Week(r.Context(), a, user, q.Get("date"))
	respond(w, r, http.StatusOK, v, err)
}

func (h *Handler) startReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in report.Start
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Report.Start(r.Context(), a, in)
	respond(w, r, http.StatusOK, d, err)
}

func reportFilter(r *http.Request) report.ListFilter {
	q := r.URL.Query()
	f := report.ListFilter{Status: q.Get("status"), WriterID: q.Get("writer_id"), TemplateID: q.Get("template_id"),
		Period: q.Get("period"), Unread: q.Get("unread") == "true"}
	f.Limit, f.Cursor = pageParams(r)
	return f
}

func (h *Handler) sentReports(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	items, next, err := h.deps.Report.Sent(r.Context(), a, reportFilter(r))
	respond(w, r, http.StatusOK, Page[report.Detail]{Items: items, NextCursor: next}, err)
}

func (h *Handler) receivedReports(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	items, next, err := h.deps.Report.Received(r.Context(), a, reportFilter(r))
	respond(w, r, http.StatusOK, Page[report.Detail]{Items: items, NextCursor: next}, err)
}

func (h *Handler) getReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Report.Get(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) saveReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in report.Draft
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Report.Save(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) deleteReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	err := h.deps.Report.DeleteDraft(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusNoContent, nil, err)
}

func (h *Handler) submitReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in report.Submission
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Report.Submit(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) reportRevisions(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	rs, err := h.deps.Report.Revisions(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, Page[report.Revision]{Items: rs}, err)
}

func (h *Handler) reportComments(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	cs, err := h.deps.Report.Comments(r.Context(), a, r.PathValue("id"))
	respond(w, r, http.StatusOK, Page[report.Comment]{Items: cs}, err)
}

func (h *Handler) addReportComment(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var in report.CommentInput
	if err := decode(r, &in); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.deps.Report.AddComment(r.Context(), a, r.PathValue("id"), in)
	respond(w, r, http.StatusCreated, c, err)
}

func (h *Handler) likeReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Report.Like(r.Context(), a, r.PathValue("id"), true)
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) unlikeReport(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	d, err := h.deps.Report.Like(r.Context(), a, r.PathValue("id"), false)
	respond(w, r, http.StatusOK, d, err)
}

func (h *Handler) searchReports(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	f := report.SearchFilter{Q: q.Get("q"), WriterID: q.Get("writer_id"), TemplateID: q.Get("template_id"), From: q.Get("from"), To: q.Get("to")}
	f.Limit, _ = pageParams(r)
	items, err := h.deps.Report.Search(r.Context(), a, f)
	respond(w, r, http.StatusOK, Page[report.Detail]{Items: items}, err)
}

func (h *Handler) exportReportMissing(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	name := "report-missing-" + strings.NewReplacer("/", "", "\\", "", `"`, "").Replace(q.Get("period"))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	if err := h.deps.Report.MissingXLSX(r.Context(), a, q.Get("template_id"), q.Get("period"), q.Get("lang"), &lazyWriter{w: w}); err != nil {
		w.Header().Del("Content-Disposition")
		w.Header().Del("Content-Type")
		writeError(w, r, err)
	}
}

func (h *Handler) reportStats(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("periods"))
	v, err := h.deps.Report.Stats(r.Context(), a, q.Get("template_id"), n)
	respond(w, r, http.StatusOK, v, err)
}

func (h *Handler) reportSuggestion(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	q := r.URL.Query()
	v, err := h.deps.Report.Suggest(r.Context(), a, q.Get("template_id"), q.Get("period"))
	respond(w, r, http.StatusOK, v, err)
}
