package servertest

import (
	"fmt"
	"net/http"
	"sync/atomic"

	"tack/backend/org"
)

// Test accounts made by Setup and NewUser share this password.
const (
	AdminEmail   = "admin@test.tack"
	TestPassword = "password123"
)

var userSeq atomic.Int64

// Setup runs the first-run setup (company "Test Co", admin AdminEmail with
// TestPassword) and returns the admin's token and user.
func (e *Env) Setup() (adminToken string, admin org.User) {
	e.T.Helper()
	var res struct {
		Token string   `json:"token"`
		User  org.User `json:"user"`
	}
	e.Must(http.StatusCreated, "POST", "/api/v1/setup", "", map[string]any{
		"company_name": "Test Co",
		"admin": map[string]any{"name": "Admin", "email": AdminEmail, "password": TestPassword,
			"phone": "13800000000", "title": "Administrator"},
	}).JSON(e.T, &res)
	return res.Token, res.User
}

// RootDepartment returns the company's root department.
func (e *Env) RootDepartment(token string) org.Department {
	e.T.Helper()
	var page struct{ Items []org.Department }
	e.Must(http.StatusOK, "GET", "/api/v1/departments", token, nil).JSON(e.T, &page)
	for _, d := range page.Items {
		if d.ParentID == nil {
			return d
		}
	}
	e.T.Fatal("servertest: no root department (run Setup first)")
	return org.Department{}
}

// NewUser creates an active user through the API (as adminToken) in
// departmentID ("" = the root department) with the given roles (member is
// always added), signs them in and returns the user and their token.
// Email is user<N>@test.tack, password TestPassword.
func (e *Env) NewUser(adminToken string, departmentID string, roles ...string) (org.User, string) {
	e.T.Helper()
	if departmentID == "" {
		departmentID = e.RootDepartment(adminToken).ID
	}
	if roles == nil {
		roles = []string{}
	}
	n := userSeq.Add(1)
	email := fmt.Sprintf("user%d@test.tack", n)
	var res struct{ User org.User }
	e.Must(http.StatusCreated, "POST", "/api/v1/users", adminToken, map[string]any{
		"email": email, "name": fmt.Sprintf("User %d", n), "department_id": departmentID,
		"title": "Staff", "phone": fmt.Sprintf("139%08d", n), "roles": roles, "password": TestPassword,
	}).JSON(e.T, &res)
	return res.User, e.Login(email, TestPassword)
}

// Login signs in and returns the token.
func (e *Env) Login(email, password string) string {
	e.T.Helper()
	var res struct{ Token string }
	e.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{
		"email": email, "password": password}).JSON(e.T, &res)
	return res.Token
}

// NewDepartment creates a department through the API. parentID "" means the
// root department; headID may be nil.
func (e *Env) NewDepartment(adminToken, name, parentID string, headID *string) org.Department {
	e.T.Helper()
	if parentID == "" {
		parentID = e.RootDepartment(adminToken).ID
	}
	body := map[string]any{"name": name, "parent_id": parentID}
	if headID != nil {
		body["head_id"] = *headID
	}
	var d org.Department
	e.Must(http.StatusCreated, "POST", "/api/v1/departments", adminToken, body).JSON(e.T, &d)
	return d
}
