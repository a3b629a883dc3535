//go:build !linux

package syncagent

import (
	"os"
)

// listDir lists a directory and lstats every entry (walk_linux.go does it
// with fewer system calls and allocations).
func listDir(path string) ([]dirItem, error) {
	ents, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	items := make([]dirItem, len(ents))
	for i, e := range ents {
		items[i].name = e.Name()
		fi, err := e.Info()
		if err != nil {
			items[i].err = err
			continue
		}
		items[i].st = statOf(fi)
	}
	return items, nil
}
