// Package server wires Tack together: it opens the store, applies every
// package's migrations, builds the domain services, the router and the
// background jobs, and runs the HTTP server with graceful shutdown. The team
// server (`tack serve`) and the desktop client's embedded workspace both use it.
package server
