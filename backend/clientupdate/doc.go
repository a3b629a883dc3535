// Package clientupdate distributes desktop client builds from the team
// server and updates the installed client from them, with no Wails import
// (the desktop shell in app/ only schedules it).
//
// Server side: a clients directory holds one folder per build,
// <dir>/<os>-<arch>/<version>/, with the build's file and its release.json
// (written by `tack admin sign-client`). Catalog reads it for the public
// downloads API: the newest build per OS and architecture, and its file.
//
// Signing: the company's release key is an ed25519 key pair in PEM files
// (GenerateKey, LoadPrivateKey, LoadPublicKey) kept outside the repository.
// The signature covers the OS, architecture, version, size and SHA-256 of
// the file (signedMessage), so a server can neither swap the file nor
// relabel an old build as a new version.
//
// Client side: Updater asks the server for the build of its own OS and
// architecture, refuses anything not newer than itself (ErrDowngrade) or
// not signed by the pinned public key (ErrBadSignature), downloads it to a
// staging file, checks size, SHA-256 and signature again on the bytes it
// got, and Apply installs it: on Linux an atomic rename over the running
// executable (the new build runs at the next start); on Windows the signed
// installer run silently; macOS is documented in docs/desktop-release.md.
package clientupdate
