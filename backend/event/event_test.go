package event

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func source(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("event.go")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// The checked-in TypeScript is what the generator writes today.
func TestTypeScriptUpToDate(t *testing.T) {
	want, err := TypeScript(source(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(TSPath)))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s is out of date: run go generate ./backend/event/", TSPath)
	}
}

// Every type constant has a payload struct, every payload a constant, and
// every DING kind is listed.
func TestEveryTypeHasAPayload(t *testing.T) {
	consts, err := Consts(source(t))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, c := range consts {
		switch {
		case strings.Contains(c.Value, "."):
			types = append(types, c.Value)
			p, ok := Payloads[c.Value]
			if !ok {
				t.Errorf("%s (%q) has no payload in Payloads", c.Name, c.Value)
			} else if reflect.TypeOf(p).Kind() != reflect.Struct {
				t.Errorf("%s's payload is %T, not a struct", c.Name, p)
			}
		case strings.HasPrefix(c.Name, "Ding"):
			if !slices.Contains(DingKinds, c.Value) {
				t.Errorf("DING kind %s is not in DingKinds", c.Name)
			}
		default:
			t.Errorf("constant %s = %q is neither an event type nor a DING kind", c.Name, c.Value)
		}
	}
	for typ := range Payloads {
		if !slices.Contains(types, typ) {
			t.Errorf("Payloads has %q, which no constant names", typ)
		}
	}
}

// Data and Decode round-trip a payload, dropping empty optional fields.
func TestDataRoundTrip(t *testing.T) {
	node := 0
	d := Data(Approval{Title: "请假", Link: "/approvals/1", ToNode: &node})
	if d["to_node"] != float64(0) || d["title"] != "请假" {
		t.Fatalf("data = %v", d)
	}
	if _, ok := d["outcome"]; ok {
		t.Fatalf("empty outcome was kept: %v", d)
	}
	back, err := Decode[Approval](d)
	if err != nil || back.Title != "请假" || back.ToNode == nil || *back.ToNode != 0 {
		t.Fatalf("decode = %+v, %v", back, err)
	}
}

// No emitter or consumer writes an event type as a bare string, or builds an
// event's data as a free-form map: they use the constants and the payloads.
func TestNoBareEventTypes(t *testing.T) {
	var known []string
	for typ := range Payloads {
		known = append(known, regexp.QuoteMeta(typ))
	}
	bare := regexp.MustCompile(`"(` + strings.Join(known, "|") + `)"`)
	freeData := regexp.MustCompile(`Event\{[^}]*Data:\s*map\[string\]any\{`)
	root := filepath.Join("..", "..")
	for _, dir := range []string{"backend", "app"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") ||
				strings.Contains(p, filepath.Join("backend", "event")+string(filepath.Separator)) {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				line, _, _ = strings.Cut(line, "//") // comments may name a type
				if strings.Contains(line, "apperr.") {
					continue // an error key such as meeting.cancelled is no event
				}
				if m := bare.FindString(line); m != "" {
					t.Errorf("%s:%d: event type %s as a bare string; use its constant in backend/event", p, i+1, m)
				}
			}
			if freeData.Match(b) {
				t.Errorf("%s: an event's Data built as a map; use event.Data(payload)", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
