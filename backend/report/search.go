package report

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/audit"
	"tack/backend/fulltext"
	"tack/backend/identity"
	"tack/backend/store"
)

// reportIndex is the full-text index of submitted reports (backend/fulltext):
// a report's text is indexed when it is submitted, again when its writer
// changes it or someone joins its readers (a mention in a comment); drafts
// are never indexed. Each document carries its readers as access keys
// (readerKeys), so a search walks only what the searcher may read.
var reportIndex = fulltext.Index{Table: "report_fts", Stored: true}

// userKey and deptKey are the access keys of a reader and of a department
// (whose heads up the chain read its reports). IDs are letters and digits
// (store.NewID); any other is written in hex, the same on both sides.
func userKey(id string) string { return "u" + keyID(id) }
func deptKey(id string) string { return "d" + keyID(id) }

func keyID(id string) string {
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return "x" + hex.EncodeToString([]byte(id))
		}
	}
	return id
}

// readerKeys are the keys a report's document carries: its writer, its
// recipients and its department (see visible: the same people may read it).
func readerKeys(r Report, recipients []string) []string {
	keys := []string{userKey(r.WriterID), deptKey(r.DepartmentID)}
	for _, u := range recipients {
		keys = append(keys, userKey(u))
	}
	return keys
}

// maxKeyDepts bounds the departments a head's search names in the index:
// above it (a general manager's whole company) the head may read most
// reports anyway, and the search walks the matches with the SQL filter only.
const maxKeyDepts = 64

// formText is the searchable text of a form: its values, one a line (a line
// break separates tokens, so no word spans two fields).
func formText(form map[string]any) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	var add func(v any)
	add = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x)
			b.WriteByte('\n')
		case float64, int, int64, bool:
			fmt.Fprintf(&b, "%v\n", x)
		case []any:
			for _, e := range x {
				add(e)
			}
		case map[string]any:
			for _, k := range []string{"name", "title", "text", "label"} {
				if s, ok := x[k].(string); ok {
					add(s)
				}
			}
		}
	}
	for _, k := range keys {
		add(form[k])
	}
	return b.String()
}

// indexReport writes a submitted report's text and readers to the index,
// in the transaction that submits or changes it (after its recipients are
// written).
func indexReport(tx *gorm.DB, r Report) error {
	var recipients []string
	if err := tx.Model(&Recipient{}).Where("report_id = ?", r.ID).Pluck("user_id", &recipients).Error; err != nil {
		return fmt.Errorf("report: index recipients: %w", err)
	}
	return reportIndex.PutKeyed(tx, r.ID, formText(r.Form), readerKeys(r, recipients))
}

// backfillIndex indexes the submitted reports again, with their readers: a
// thousand at a time, in submit order (the index's "newest first").
func backfillIndex(tx *gorm.DB) error {
	after := ""
	for {
		var rs []Report
		// Named columns: a "SELECT *" prepared by an earlier migration, before
		// the table grew, would be PostgreSQL's cached plan of another shape.
		q := tx.Select("id, writer_id, department_id, form").Where("status = ?", StatusSubmitted)
		if after != "" {
			q = q.Where("id > ?", after)
		}
		if err := q.Order("id").Limit(1000).Find(&rs).Error; err != nil {
			return fmt.Errorf("report: backfill index: %w", err)
		}
		if len(rs) == 0 {
			return nil
		}
		if err := indexReports(tx, rs); err != nil {
			return err
		}
		after = rs[len(rs)-1].ID
	}
}

// indexReports indexes many submitted reports in few statements.
func indexReports(tx *gorm.DB, rs []Report) error {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	var recs []Recipient
	if err := tx.Select("report_id, user_id").Where("report_id IN ?", ids).Find(&recs).Error; err != nil {
		return fmt.Errorf("report: index recipients: %w", err)
	}
	to := map[string][]string{}
	for _, rc := range recs {
		to[rc.ReportID] = append(to[rc.ReportID], rc.UserID)
	}
	docs := make([]fulltext.Doc, len(rs))
	for i, r := range rs {
		docs[i] = fulltext.Doc{ID: r.ID, Text: formText(r.Form), Keys: readerKeys(r, to[r.ID])}
	}
	return reportIndex.PutAll(tx, docs)
}

// SearchFilter is a full-text search over the submitted reports the reader
// may see.
type SearchFilter struct {
	Q          string
	WriterID   string
	TemplateID string
	From, To   string // submitted on these company days (YYYY-MM-DD, both included)
	Limit      int
}

// AuditSearchRead is the audit action of reports a RoleReader holder found
// by search that they could not read otherwise.
const AuditSearchRead = "report.search_granted"

// Search finds the submitted reports matching f.Q (any two-character Chinese
// word, a phrase, Latin words by prefix) that the actor may see: their own,
// those sent to them, and for a RoleReader holder every submitted report
// (audited like a read). Newest first; at most f.Limit (50, ≤ 200).
func (s *Service) Search(ctx context.Context, actor identity.Actor, f SearchFilter) ([]Detail, error) {
	q := reportIndex.Parse(f.Q)
	if q.Empty() {
		return []Detail{}, nil
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	db := s.db.WithContext(ctx)
	reader := actor.HasRole(RoleReader)
	var depts []string
	if !reader {
		var err error
		if depts, err = s.headedSubtree(ctx, actor.UserID); err != nil {
			return nil, err
		}
		// The index walks only the documents the actor's keys open: a common
		// word costs a writer who reads 0.2 % of the reports what it costs
		// the head who reads them all (bench/RESULTS.md "Work reports").
		if len(depts) <= maxKeyDepts {
			keys := []string{userKey(actor.UserID)}
			for _, d := range depts {
				keys = append(keys, deptKey(d))
			}
			q = q.Within(keys...)
		}
	}
	stmt := db.Scopes(q.Scope("reports AS r", "r.id", fulltext.Newest)).Where("r.status = ?", StatusSubmitted)
	if !reader {
		// The authority, whatever the index holds: the same rule as visible.
		// A correlated EXISTS checks each match on the recipients' primary
		// key; "id IN (the reader's received reports)" built that whole set
		// first: 0.46 s on SQLite, 4 s on PostgreSQL for a leader who
		// received 200,000 (bench/RESULTS.md "Work reports").
		sent := "EXISTS (SELECT 1 FROM report_recipients rr WHERE rr.report_id = r.id AND rr.user_id = ?)"
		if len(depts) > 0 { // a head reads their subtree's reports
			stmt = stmt.Where("(r.writer_id = ? OR r.department_id IN ? OR "+sent+")", actor.UserID, depts, actor.UserID)
		} else {
			stmt = stmt.Where("(r.writer_id = ? OR "+sent+")", actor.UserID, actor.UserID)
		}
	}
	if f.WriterID != "" {
		stmt = stmt.Where("r.writer_id = ?", f.WriterID)
	}
	if f.TemplateID != "" {
		stmt = stmt.Where("r.template_id = ?", f.TemplateID)
	}
	loc := s.cal.Location()
	if f.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, f.From, loc)
		if err != nil {
			return nil, ErrBadPeriod.WithField("from", "invalid")
		}
		stmt = stmt.Where("r.submitted_at >= ?", d.UTC())
	}
	if f.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, f.To, loc)
		if err != nil {
			return nil, ErrBadPeriod.WithField("to", "invalid")
		}
		stmt = stmt.Where("r.submitted_at < ?", d.AddDate(0, 0, 1).UTC())
	}
	var rs []Report
	if err := stmt.Select("r.*").Limit(limit).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("report: search: %w", err)
	}
	if reader && len(rs) > 0 {
		if err := s.auditGranted(ctx, actor, rs, f.Q); err != nil {
			return nil, err
		}
	}
	return s.details(ctx, actor, rs, false)
}

// auditGranted records the found reports a RoleReader holder is neither the
// writer nor a recipient of.
func (s *Service) auditGranted(ctx context.Context, actor identity.Actor, rs []Report, query string) error {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	var sent []string
	if err := s.db.WithContext(ctx).Model(&Recipient{}).Where("user_id = ? AND report_id IN ?", actor.UserID, ids).
		Pluck("report_id", &sent).Error; err != nil {
		return fmt.Errorf("report: search recipients: %w", err)
	}
	mine := map[string]bool{}
	for _, id := range sent {
		mine[id] = true
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		for _, r := range rs {
			if r.WriterID == actor.UserID || mine[r.ID] {
				continue
			}
			if err := audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: AuditSearchRead, TargetType: "report", TargetID: r.ID,
				Detail: map[string]any{"writer_id": r.WriterID, "period": r.Period, "query": query}, CreatedAt: s.now()}); err != nil {
				return err
			}
		}
		return nil
	})
}
