// Package chatlocal is the desktop client's own index of the signed-in
// user's conversations: a SQLite file in the client's data dir holding the
// conversations they are a member of and the messages the client has
// fetched, searched with the same CJK-bigram full text as the server
// (backend/fulltext), so that chat search answers instantly and still works
// when the server cannot be reached.
//
// It knows nothing of HTTP: the desktop shell (app/chatindex.go) fetches
// with the user's session and writes here. The server stays the authority on
// who may read what; this index only ever holds what the server gave this
// user, and Retain drops every conversation the server no longer lists for
// them (they left, were removed, or the group was deleted), messages and
// search documents with it. A recalled message is deleted, an edited one
// re-indexed.
//
// One file per server and user (the caller chooses the directory): another
// person signing in on the same machine gets a separate index.
package chatlocal
