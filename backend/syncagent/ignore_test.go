package syncagent

import "testing"

func TestIgnore(t *testing.T) {
	t.Parallel()
	ig, err := newIgnore([]string{
		"# comment",
		"*.log",
		"!keep.log",
		"build/",
		"/rootonly.txt",
		"docs/*.pdf",
		"**/cache/**",
		"a/**/z",
		`\#hash`,
		"file[0-9].bin",
	})
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		path string
		dir  bool
		want bool
	}{
		{"x.log", false, true},
		{"sub/x.log", false, true},
		{"keep.log", false, false},
		{"sub/keep.log", false, false},
		{"build", true, true},
		{"build", false, false}, // dir-only
		{"build/out.o", false, true},
		{"src/build/out.o", false, true},
		{"rootonly.txt", false, true},
		{"sub/rootonly.txt", false, false},
		{"docs/a.pdf", false, true},
		{"docs/sub/a.pdf", false, false},
		{"x/docs/a.pdf", false, false},
		{"cache/x", false, true},
		{"p/cache/q/r", false, true},
		{"a/z", false, true},
		{"a/b/c/z", false, true},
		{"#hash", false, true},
		{"file1.bin", false, true},
		{"filex.bin", false, false},
		{"readme.md", false, false},
		// built-ins
		{"~$report.docx", false, true},
		{"d/.~lock.report.odt#", false, true},
		{".DS_Store", false, true},
		{"p/Thumbs.db", false, true},
		{"desktop.ini", false, true},
		{"a.tmp", false, true},
		{".x.swp", false, true},
		{".tack-tmp-123", false, true},
		{"report.docx", false, false},
	}
	for _, s := range scenarios {
		if got := ig.Match(s.path, s.dir); got != s.want {
			t.Errorf("Match(%q, dir=%v) = %v, want %v", s.path, s.dir, got, s.want)
		}
	}
}

func TestIgnoreNegationInsideIgnoredDir(t *testing.T) {
	t.Parallel()
	ig, err := newIgnore([]string{"logs/", "!logs/keep.txt", "*.bak", "!important.bak"})
	if err != nil {
		t.Fatal(err)
	}
	if !ig.Match("logs/keep.txt", false) {
		t.Error("a file inside an ignored directory must stay ignored (git semantics)")
	}
	if ig.Match("important.bak", false) || !ig.Match("other.bak", false) {
		t.Error("negation of a file pattern")
	}
}
