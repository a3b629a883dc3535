package fulltext_test

// The 1,000,000-document search benchmark (bench/RESULTS.md). Not part of
// `go test ./...`: only `go test -bench Search1M ./backend/fulltext/`. The
// corpus and both databases are built once and cached under
// $TMPDIR/tack-fulltext-bench (SQLite) and the schema fulltext_bench of
// TACK_TEST_POSTGRES_DSN's database; delete them to rebuild.

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"tack/backend/fulltext"
	"tack/backend/store"
	"tack/backend/store/storetest"
)

const benchDocs = 1_000_000

var benchIndex = fulltext.Index{Table: "fulltextbench_fts"}

var benchMigrations = []store.Migration{
	{ID: "fulltextbench-0001-docs", SQL: `CREATE TABLE fulltextbench_docs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL)`},
	benchIndex.Migration("fulltextbench-0002-fts"),
}

// Work-chat vocabulary. 项目 is frequent (about one message in eight), 骆驼
// rare (one in ten thousand), 鲸鱼 never written.
var (
	whoWords   = []string{"我", "你", "大家", "张经理", "李总", "王工", "小陈", "刘姐", "财务", "HR", "产品组", "测试同学", "客户", "老板"}
	whenWords  = []string{"明天上午", "下午三点", "周五前", "今天", "下周一", "月底前", "刚才", "晚上八点", "这周", "Q3"}
	verbWords  = []string{"确认", "提交", "审批", "讨论", "安排", "更新", "检查", "发一下", "看一下", "整理", "跟进", "回复", "review", "merge"}
	thingWords = []string{"项目进度", "报销单", "合同", "周报", "会议纪要", "需求文档", "测试用例", "预算", "方案", "PR", "OKR", "发布计划",
		"项目排期", "客户反馈", "考勤记录", "出差申请", "培训材料", "v2.1 版本", "bug 列表", "demo", "季度总结", "采购清单", "新人入职", "服务器",
		"设计稿", "数据报表", "年会节目", "请假单", "项目", "接口文档", "上线检查"}
	tailWords = []string{"。", "吧", "哈", "！", "？", "，谢谢", "，辛苦了", " 👍", "～", "，收到请回复", "", "", ""}
)

func pick(r *rand.Rand, words []string) string { return words[r.IntN(len(words))] }

// benchDoc is the i-th message of the corpus, the same on every run.
func benchDoc(r *rand.Rand) string {
	var b strings.Builder
	for n := 1 + r.IntN(3); n > 0; n-- {
		switch r.IntN(4) {
		case 0:
			b.WriteString(pick(r, whoWords) + pick(r, whenWords) + pick(r, verbWords) + pick(r, thingWords))
		case 1:
			b.WriteString(pick(r, thingWords) + "已经" + pick(r, verbWords) + "了")
		case 2:
			b.WriteString("@" + pick(r, whoWords) + " " + pick(r, verbWords) + "一下" + pick(r, thingWords))
		default:
			b.WriteString(pick(r, whenWords) + "的" + pick(r, thingWords) + "谁来" + pick(r, verbWords))
		}
		if r.IntN(10000) == 0 {
			b.WriteString("，骆驼")
		}
		b.WriteString(pick(r, tailWords))
	}
	return b.String()
}

func benchID(i int) string { return fmt.Sprintf("%026d", i) }

func benchOwner(i int) string { return fmt.Sprintf("u%02d", i*7919%100) }

// benchCorpus writes the corpus once, one message a line, and returns its
// path and the messages.
func benchCorpus(b *testing.B, dir string) (string, []string) {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("corpus-%d.txt", benchDocs))
	r := rand.New(rand.NewPCG(2026, 17))
	docs := make([]string, benchDocs)
	for i := range docs {
		docs[i] = benchDoc(r)
	}
	if _, err := os.Stat(path); err == nil {
		return path, docs
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, d := range docs {
		w.WriteString(d + "\n")
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path, docs
}

// fill loads the corpus into an empty, migrated database: the domain rows
// and the index documents, 500 rows a statement, then what PostgreSQL
// indexes after a bulk load.
func fill(b *testing.B, db *gorm.DB, docs []string) {
	b.Helper()
	db = db.Session(&gorm.Session{Logger: logger.Discard}) // 500-row statements are "slow"
	start := time.Now()
	const batch = 500
	for lo := 0; lo < len(docs); lo += batch {
		hi := min(lo+batch, len(docs))
		var rows, idx []string
		var rowArgs, idxArgs []any
		for i := lo; i < hi; i++ {
			rows = append(rows, "(?,?,?)")
			rowArgs = append(rowArgs, benchID(i), benchOwner(i), docs[i])
			idx = append(idx, "(?,?)")
			idxArgs = append(idxArgs, benchID(i), strings.Join(fulltext.Tokens(docs[i]), " "))
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO fulltextbench_docs (id, owner, body) VALUES "+strings.Join(rows, ","), rowArgs...).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO fulltextbench_fts_doc (id, tokens) VALUES "+strings.Join(idx, ","), idxArgs...).Error
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("loaded %d docs in %s", len(docs), time.Since(start).Round(time.Second))
	if store.IsPostgres(db) {
		for _, s := range []string{
			`CREATE INDEX fulltextbench_docs_owner ON fulltextbench_docs (owner, id)`,
			`CREATE INDEX fulltextbench_fts_tsv ON fulltextbench_fts_doc USING GIN (fulltext_tsvector(tokens))`,
			`CREATE EXTENSION IF NOT EXISTS pg_trgm`,
			`CREATE INDEX fulltextbench_docs_trgm ON fulltextbench_docs USING GIN (body gin_trgm_ops)`,
			`ANALYZE`,
		} {
			t0 := time.Now()
			if err := db.Exec(s).Error; err != nil {
				b.Fatal(s, err)
			}
			b.Logf("%s: %s", s, time.Since(t0).Round(time.Second))
		}
	} else if err := db.Exec(`CREATE INDEX fulltextbench_docs_owner ON fulltextbench_docs (owner, id)`).Error; err != nil {
		b.Fatal(err)
	}
}

func benchSQLite(b *testing.B, dir string, docs []string) *gorm.DB {
	b.Helper()
	dataDir := filepath.Join(dir, "sqlite")
	done := filepath.Join(dataDir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dataDir)
		os.MkdirAll(dataDir, 0o700)
		db := openBench(b, store.Config{DataDir: dataDir})
		if err := store.Migrate(db, benchMigrations); err != nil {
			b.Fatal(err)
		}
		fill(b, db, docs)
		store.Close(db)
		os.WriteFile(done, nil, 0o600)
	}
	return openBench(b, store.Config{DataDir: dataDir})
}

func benchPostgres(b *testing.B, docs []string) *gorm.DB {
	b.Helper()
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		b.Skipf("%s not set", storetest.EnvPostgres)
	}
	admin := openBench(b, store.Config{DSN: base})
	var built int
	admin.Raw(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'fulltext_bench' AND table_name = 'complete'`).Scan(&built)
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "fulltext_bench")
	u.RawQuery = q.Encode()
	if built == 0 {
		for _, s := range []string{`DROP SCHEMA IF EXISTS fulltext_bench CASCADE`, `CREATE SCHEMA fulltext_bench`} {
			if err := admin.Exec(s).Error; err != nil {
				b.Fatal(err)
			}
		}
		db := openBench(b, store.Config{DSN: u.String()})
		if err := store.Migrate(db, benchMigrations); err != nil {
			b.Fatal(err)
		}
		// Bulk load first, index after (fill creates it again).
		if err := db.Exec(`DROP INDEX fulltextbench_fts_tsv`).Error; err != nil {
			b.Fatal(err)
		}
		fill(b, db, docs)
		if err := db.Exec(`CREATE TABLE complete (at TIMESTAMPTZ)`).Error; err != nil {
			b.Fatal(err)
		}
	}
	store.Close(admin)
	return openBench(b, store.Config{DSN: u.String()})
}

func openBench(b *testing.B, cfg store.Config) *gorm.DB {
	b.Helper()
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

type benchCase struct {
	name, q, owner string // owner "" = every document is visible
}

var benchCases = []benchCase{
	{"frequent-2char", "项目", ""},
	{"frequent-2char-owner-1pct", "项目", "u07"},
	{"rare-2char", "骆驼", ""},
	{"absent-2char", "鲸鱼", ""},
	{"1char", "的", ""},
	{"phrase-4char", "项目进度", ""},
	{"latin-prefix", "rev", ""},
}

func BenchmarkSearch1M(b *testing.B) {
	dir := filepath.Join(os.TempDir(), "tack-fulltext-bench")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	corpus, docs := benchCorpus(b, dir)
	grepRef := func(b *testing.B, c benchCase) {
		for b.Loop() {
			out, _ := exec.Command("grep", "-c", "-F", c.q, corpus).Output()
			b.ReportMetric(float64(atoi(out)), "matches")
		}
	}
	b.Run("grep-c", func(b *testing.B) {
		for _, c := range benchCases {
			if c.owner == "" {
				b.Run(c.name, func(b *testing.B) { grepRef(b, c) })
			}
		}
	})
	for _, dbName := range []string{"sqlite", "postgres"} {
		b.Run(dbName, func(b *testing.B) {
			var db *gorm.DB
			if dbName == "sqlite" {
				db = benchSQLite(b, dir, docs)
			} else {
				db = benchPostgres(b, docs)
			}
			defer store.Close(db)
			visible := func(q *gorm.DB, c benchCase) *gorm.DB {
				if c.owner != "" {
					return q.Where("d.owner = ?", c.owner)
				}
				return q
			}
			for _, c := range benchCases {
				b.Run("fulltext/"+c.name, func(b *testing.B) {
					s := benchIndex.Parse(c.q)
					for b.Loop() {
						var ids []string
						if err := visible(db.Scopes(s.Scope("fulltextbench_docs AS d", "d.id", fulltext.Newest)), c).Select("d.id").Limit(50).Scan(&ids).Error; err != nil {
							b.Fatal(err)
						}
						b.ReportMetric(float64(len(ids)), "results")
					}
				})
				like := func(b *testing.B, name string) {
					b.Run(name+"/"+c.name, func(b *testing.B) {
						for b.Loop() {
							var ids []string
							if err := visible(db.Table("fulltextbench_docs AS d"), c).Where(`d.body LIKE ? ESCAPE '\'`, store.Contains(c.q)).
								Order("d.id DESC").Limit(50).Pluck("d.id", &ids).Error; err != nil {
								b.Fatal(err)
							}
							b.ReportMetric(float64(len(ids)), "results")
						}
					})
				}
				// On PostgreSQL the LIKE can use the pg_trgm index: that is
				// the trigram alternative measured against the bigrams.
				if dbName == "sqlite" {
					like(b, "like")
				} else {
					like(b, "pg_trgm-like")
				}
			}
			// Best first ranks every match before the limit applies.
			b.Run("fulltext-best/frequent-2char", func(b *testing.B) {
				s := benchIndex.Parse("项目")
				for b.Loop() {
					var ids []string
					if err := db.Scopes(s.Scope("fulltextbench_docs AS d", "d.id", fulltext.Best)).Select("d.id").Limit(50).Scan(&ids).Error; err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("fulltext-best/rare-2char", func(b *testing.B) {
				s := benchIndex.Parse("骆驼")
				for b.Loop() {
					var ids []string
					if err := db.Scopes(s.Scope("fulltextbench_docs AS d", "d.id", fulltext.Best)).Select("d.id").Limit(50).Scan(&ids).Error; err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("fulltext/count-frequent-2char", func(b *testing.B) {
				s := benchIndex.Parse("项目")
				for b.Loop() {
					var n int64
					if err := db.Scopes(s.Scope("fulltextbench_docs AS d", "d.id", fulltext.Unordered)).Select("count(*)").Scan(&n).Error; err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(n), "matches")
				}
			})
		})
	}
}

func atoi(b []byte) int {
	n := 0
	for _, c := range strings.TrimSpace(string(b)) {
		n = n*10 + int(c-'0')
	}
	return n
}
