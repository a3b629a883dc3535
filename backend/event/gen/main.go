// Command gen writes frontend/src/api/events.gen.ts from backend/event.
// Run it with `go generate ./backend/event/` (it runs in that folder).
package main

import (
	"log"
	"os"
	"path/filepath"

	"tack/backend/event"
)

func main() {
	src, err := os.ReadFile("event.go")
	if err != nil {
		log.Fatal(err)
	}
	ts, err := event.TypeScript(src)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", filepath.FromSlash(event.TSPath)), []byte(ts), 0o644); err != nil {
		log.Fatal(err)
	}
}
