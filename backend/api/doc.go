// Package api is the only package that speaks HTTP. Handlers are thin:
// decode the request, call one domain service with the authenticated actor,
// encode the result. Errors become the error body of docs/ARCHITECTURE.md in respond.go.
package api
