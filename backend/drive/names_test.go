package drive_test

import (
	"strings"
	"testing"

	"tack/backend/apperr"
	"tack/backend/drive"
	"tack/backend/server/servertest"
)

func TestNameValidation(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name, in, problem, want string
	}{
		{"plain", "report.docx", "", "report.docx"},
		{"chinese", "季度报告 2026.xlsx", "", "季度报告 2026.xlsx"},
		{"nfd becomes nfc", "Cafe\u0301.txt", "", "Caf\u00e9.txt"},
		{"dotfile", ".tackignore", "", ".tackignore"},
		{"empty", "", "required", ""},
		{"dot", ".", "dot", ""},
		{"dotdot", "..", "dot", ""},
		{"slash", "a/b", "slash", ""},
		{"backslash", `a\b`, "slash", ""},
		{"traversal", "../etc", "slash", ""},
		{"nul", "a\x00b", "control_character", ""},
		{"newline", "a\nb", "control_character", ""},
		{"del", "a\x7fb", "control_character", ""},
		{"colon", "a:b", "windows_character", ""},
		{"star", "*.txt", "windows_character", ""},
		{"trailing dot", "name.", "trailing_dot_or_space", ""},
		{"trailing space", "name ", "trailing_dot_or_space", ""},
		{"leading space", " name", "trailing_dot_or_space", ""},
		{"reserved", "CON", "windows_reserved", ""},
		{"reserved lower with ext", "nul.txt", "windows_reserved", ""},
		{"reserved com", "Com1.log", "windows_reserved", ""},
		{"not reserved", "CONsole.txt", "", "CONsole.txt"},
		{"255 bytes", strings.Repeat("a", 255), "", strings.Repeat("a", 255)},
		{"256 bytes", strings.Repeat("a", 256), "too_long", ""},
		{"multibyte over", strings.Repeat("报", 86), "too_long", ""}, // 258 bytes
		{"bad utf8", "a\xffb", "invalid_utf8", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got, err := drive.CleanName(s.in)
			if s.problem == "" {
				if err != nil || got != s.want {
					t.Fatalf("CleanName(%q) = %q, %v", s.in, got, err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Key != "drive.name_invalid" || e.Fields["name"] != s.problem {
				t.Fatalf("CleanName(%q) error %v, want drive.name_invalid/%s", s.in, err, s.problem)
			}
		})
	}
}

func TestNameValidationOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, servertest.New(t))
	root := e.spaces(e.admin)["company"].RootID
	r := e.Do("POST", "/api/v1/drive/folders", e.admin, map[string]string{"parent_id": root, "name": "a/b"})
	if _, k, f := r.ErrorCode(); r.Status != 400 || k != "drive.name_invalid" || f["name"] != "slash" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	_, r = e.put(e.admin, root, "LPT1", []byte("x"))
	wantKey(t, r, 400, "drive.name_invalid")
	f := e.mkdir(e.admin, root, "Cafe\u0301")
	if f.Name != "Caf\u00e9" {
		t.Fatalf("stored name %q", f.Name)
	}
	wantKey(t, e.Do("POST", "/api/v1/drive/folders", e.admin, map[string]string{"parent_id": root, "name": "CAF\u00c9"}), 409, "drive.name_taken")
}
