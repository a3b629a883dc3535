//go:build ignore

// gen_icon writes build/appicon.png from app.Icon: go run build/gen_icon.go
package main

import (
	"os"

	"tack/app"
)

func main() {
	if err := os.WriteFile("build/appicon.png", app.Icon(1024), 0o644); err != nil {
		panic(err)
	}
}
