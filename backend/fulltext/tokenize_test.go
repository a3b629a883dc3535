package fulltext

import (
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	scenarios := []struct {
		name, text string
		want       string // tokens joined by spaces
	}{
		{"two-character word", "项目", "项目 目"},
		{"single character", "好", "好"},
		{"longer run", "项目进度", "项目 目进 进度 度"},
		{"mixed Chinese and English", "明天review一下PR", "明天 天 review 一下 下 pr"},
		{"punctuation splits runs", "收到，谢谢！", "收到 到 谢谢 谢"},
		{"full-width letters and digits", "ＯＫＲ　第３季度", "okr 第 3 季度 度"},
		{"emoji and symbols are not indexed", "好的👍 ✅ 完成🎉", "好的 的 完成 成"},
		{"numbers and versions", "v2.3 发布 2026-01-05", "v2 3 发布 布 2026 01 05"},
		{"mixed case Latin", "Tack iOS App", "tack ios app"},
		{"kana and hangul are CJK", "テスト 회의", "テス スト ト 회의 의"},
		{"accented letters stay in the word", "café naïve", "café naïve"},
		{"operators are separators", `"项目" OR NEAR(a*b)^`, "项目 目 or near a b"},
		{"empty", " ，。！", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := strings.Join(Tokens(s.text), " "); got != s.want {
				t.Errorf("Tokens(%q) = %q, want %q", s.text, got, s.want)
			}
		})
	}
}

func TestLongWordIsCut(t *testing.T) {
	long := strings.Repeat("a", 200)
	got := Tokens(long)
	if len(got) != 1 || len(got[0]) != maxWord {
		t.Fatalf("Tokens(200×a) = %d tokens of %d bytes, want one of %d", len(got), len(got[0]), maxWord)
	}
	if q := parse(long); q[0].tokens[0] != got[0] {
		t.Fatalf("the query cuts differently from the index: %q", q[0].tokens[0])
	}
}

func TestQueryLiterals(t *testing.T) {
	scenarios := []struct {
		input, fts5, ts string
	}{
		{"项目", `"项目"`, `'项目'`},
		{"项目进度", `"项目 目进 进度"`, `'项目'`},
		{"报", `"报"*`, `'报':*`},
		{"Report 周报", `"report"* "周报"`, `'report':* & '周报'`},
		{`" OR 1=1 --`, `"or"* "1"* "1"*`, `'or':* & '1':* & '1':*`},
		{`a'b\c`, `"a"* "b"* "c"*`, `'a':* & 'b':* & 'c':*`},
		{"!!!", ``, ``},
	}
	for _, s := range scenarios {
		g := parse(s.input)
		if got := fts5Query(g); got != s.fts5 {
			t.Errorf("fts5Query(%q) = %s, want %s", s.input, got, s.fts5)
		}
		if got := tsQuery(g); got != s.ts {
			t.Errorf("tsQuery(%q) = %s, want %s", s.input, got, s.ts)
		}
	}
	if got := phraseLikes(parse("项目进度 报 rev 周报")); !slices.Equal(got, []string{"% 项目 目进 进度 %"}) {
		t.Errorf("phraseLikes = %q", got)
	}
	many := strings.Repeat("词 ", 100)
	if n := len(parse(many)); n != maxGroups {
		t.Errorf("a 100-word query has %d groups, want %d", n, maxGroups)
	}
	if !slices.Equal(parse("x")[0].tokens, []string{"x"}) {
		t.Error("single letter")
	}
}
