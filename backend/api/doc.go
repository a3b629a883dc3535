// Package api is the only package that speaks HTTP. Handlers are thin:
// decode the request, call one domain service with the authenticated actor,
// encode the result. Errors become the DESIGN.md error body in respond.go.
package api
