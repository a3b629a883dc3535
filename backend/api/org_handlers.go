package api

import (
	"context"
	"net/http"
	"time"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/org"
)

// orgRoutes registers setup, auth, me, departments, users, roles and audit.
func (h *Handler) orgRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/setup", h.setupStatus)
	mux.HandleFunc("POST /api/v1/setup", h.setup)
	mux.HandleFunc("POST /api/v1/auth/login", h.login)
	mux.HandleFunc("POST /api/v1/auth/logout", h.logout)
	mux.HandleFunc("GET /api/v1/company", h.authed(h.company))
	mux.HandleFunc("GET /api/v1/me", h.authed(h.me))
	mux.HandleFunc("POST /api/v1/me/password", h.authed(h.changePassword))
	mux.HandleFunc("POST /api/v1/me/totp/setup", h.authed(h.totpSetup))
	mux.HandleFunc("POST /api/v1/me/totp/enable", h.authed(h.totpEnable))
	mux.HandleFunc("POST /api/v1/me/totp/disable", h.authed(h.totpDisable))

	mux.HandleFunc("GET /api/v1/departments", h.authed(h.listDepartments))
	mux.HandleFunc("POST /api/v1/departments", h.authed(h.createDepartment))
	mux.HandleFunc("GET /api/v1/departments/{id}", h.authed(h.getDepartment))
	mux.HandleFunc("PATCH /api/v1/departments/{id}", h.authed(h.updateDepartment))
	mux.HandleFunc("DELETE /api/v1/departments/{id}", h.authed(h.deleteDepartment))

	mux.HandleFunc("GET /api/v1/users", h.authed(h.listUsers))
	mux.HandleFunc("POST /api/v1/users", h.authed(h.createUser))
	mux.HandleFunc("GET /api/v1/users/{id}", h.authed(h.getUser))
	mux.HandleFunc("PATCH /api/v1/users/{id}", h.authed(h.updateUser))
	mux.HandleFunc("POST /api/v1/users/{id}/deactivate", h.authed(h.deactivateUser))
	mux.HandleFunc("POST /api/v1/users/{id}/reactivate", h.authed(h.reactivateUser))
	mux.HandleFunc("POST /api/v1/users/{id}/reset-password", h.authed(h.resetPassword))

	mux.HandleFunc("GET /api/v1/roles", h.authed(h.listRoles))
	mux.HandleFunc("POST /api/v1/roles", h.authed(h.createRole))
	mux.HandleFunc("PATCH /api/v1/roles/{id}", h.authed(h.updateRole))
	mux.HandleFunc("DELETE /api/v1/roles/{id}", h.authed(h.deleteRole))

	mux.HandleFunc("GET /api/v1/audit", h.authed(h.listAudit))
	mux.HandleFunc("GET /api/v1/settings/security", h.authed(h.securitySettings))
	mux.HandleFunc("PUT /api/v1/settings/security", h.authed(h.setSecuritySettings))
}

var errCSRF = apperr.Forbidden("auth.csrf", "missing "+CSRFHeader+" header")

// setSessionCookie sets (or, with an empty token, clears) the session cookie.
func (h *Handler) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: h.isTLS(r), Expires: expires}
	if token == "" {
		c.MaxAge = -1
		c.Expires = time.Unix(0, 0)
	}
	http.SetCookie(w, c)
}

func (h *Handler) setupStatus(w http.ResponseWriter, r *http.Request) {
	needed, err := h.deps.Org.SetupNeeded(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"needed": needed})
}

func (h *Handler) setup(w http.ResponseWriter, r *http.Request) {
	var req org.SetupRequest
	if err := requireJSONRequest(r); err != nil {
		writeError(w, r, err)
		return
	}
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Org.Setup(r.Context(), req, r.UserAgent(), h.clientIP(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	h.setSessionCookie(w, r, res.Token, res.ExpiresAt)
	writeJSON(w, http.StatusCreated, res)
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var req org.LoginRequest
	if err := requireJSONRequest(r); err != nil {
		writeError(w, r, err)
		return
	}
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	req.IP, req.UserAgent = h.clientIP(r), r.UserAgent()
	res, err := h.deps.Org.Login(r.Context(), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	h.setSessionCookie(w, r, res.Token, res.ExpiresAt)
	writeJSON(w, http.StatusOK, res)
}

// logout works with an expired session too: it always clears the cookie.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	token, byCookie := bearerToken(r)
	if byCookie && r.Header.Get(CSRFHeader) != "1" {
		writeError(w, r, errCSRF)
		return
	}
	if token != "" {
		if err := h.deps.Org.RevokeSession(r.Context(), token); err != nil {
			writeError(w, r, err)
			return
		}
	}
	h.setSessionCookie(w, r, "", time.Time{})
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) company(w http.ResponseWriter, r *http.Request, _ identity.Actor) {
	c, err := h.deps.Org.Company(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.ChangePasswordRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Org.ChangePassword(r.Context(), a, req, r.UserAgent(), h.clientIP(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	h.setSessionCookie(w, r, res.Token, res.ExpiresAt) // the old token no longer works
	writeJSON(w, http.StatusOK, res)
}

func (h *Handler) totpSetup(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	res, err := h.deps.Org.SetupTOTP(r.Context(), a)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

type totpCodeRequest struct {
	Code string `json:"code"`
}

func (h *Handler) totpEnable(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	h.totpSwitch(w, r, a, h.deps.Org.EnableTOTP)
}

func (h *Handler) totpDisable(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	h.totpSwitch(w, r, a, h.deps.Org.DisableTOTP)
}

func (h *Handler) totpSwitch(w http.ResponseWriter, r *http.Request, a identity.Actor, fn func(context.Context, identity.Actor, string) error) {
	var req totpCodeRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	if err := fn(r.Context(), a, req.Code); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	q := r.URL.Query()
	items, next, err := h.deps.Org.AuditLog(r.Context(), a, audit.Filter{ActorID: q.Get("actor_id"),
		TargetID: q.Get("target_id"), Action: q.Get("action"), Before: cursor, Limit: limit})
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[audit.Entry]{Items: items, NextCursor: next})
}
