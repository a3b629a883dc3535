package api

import (
	"net/http"

	"tack/backend/identity"
	"tack/backend/org"
)

// Departments, users and roles: the directory and its administration.

func (h *Handler) listDepartments(w http.ResponseWriter, r *http.Request, _ identity.Actor) {
	ds, err := h.deps.Org.Departments(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[org.Department]{Items: ds})
}

func (h *Handler) getDepartment(w http.ResponseWriter, r *http.Request, _ identity.Actor) {
	d, err := h.deps.Org.Department(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *Handler) createDepartment(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.NewDepartmentRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Org.CreateDepartment(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (h *Handler) updateDepartment(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.UpdateDepartmentRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	d, err := h.deps.Org.UpdateDepartment(r.Context(), a, r.PathValue("id"), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *Handler) deleteDepartment(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Org.DeleteDepartment(r.Context(), a, r.PathValue("id")); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	limit, cursor := pageParams(r)
	q := r.URL.Query()
	users, next, err := h.deps.Org.ListUsers(r.Context(), a, org.UserFilter{
		DepartmentID: q.Get("department_id"), Recursive: q.Get("recursive") == "1", Query: q.Get("q"),
		IncludeInactive: q.Get("include_inactive") == "1", Limit: limit, Cursor: cursor})
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[org.User]{Items: users, NextCursor: next})
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.NewUserRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	res, err := h.deps.Org.CreateUser(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	u, err := h.deps.Org.GetUser(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.UpdateUserRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	u, err := h.deps.Org.UpdateUser(r.Context(), a, r.PathValue("id"), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (h *Handler) deactivateUser(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	u, err := h.deps.Org.Deactivate(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (h *Handler) reactivateUser(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	u, err := h.deps.Org.Reactivate(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	pw, err := h.deps.Org.ResetPassword(r.Context(), a, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"password": pw})
}

func (h *Handler) listRoles(w http.ResponseWriter, r *http.Request, _ identity.Actor) {
	roles, err := h.deps.Org.Roles(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Page[org.Role]{Items: roles})
}

func (h *Handler) createRole(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.NewRoleRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	role, err := h.deps.Org.CreateRole(r.Context(), a, req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, role)
}

func (h *Handler) updateRole(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	var req org.UpdateRoleRequest
	if err := decode(r, &req); err != nil {
		writeError(w, r, err)
		return
	}
	role, err := h.deps.Org.UpdateRole(r.Context(), a, r.PathValue("id"), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, role)
}

func (h *Handler) deleteRole(w http.ResponseWriter, r *http.Request, a identity.Actor) {
	if err := h.deps.Org.DeleteRole(r.Context(), a, r.PathValue("id")); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
