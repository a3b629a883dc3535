package attendance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// The tamper-evident record: every punch row (punches, makeup punches,
// corrections, reviews) carries the hash of the previous row and of its own
// content, actor and reason, in one global sequence. attendance_chain_head
// holds the last sequence number and hash (its row lock serialises
// writers on PostgreSQL; SQLite has one writer anyway; office punches reach
// it in batches, punch_batch.go), and each company day
// gets a checkpoint (attendance_checkpoints: the chain's head at the day's
// last row), which the monthly export will carry. An edited, deleted or
// inserted row no longer matches its hash, its successor's prev_hash or a
// checkpoint: VerifyChain finds it.

type chainHead struct {
	ID   int `gorm:"primaryKey"`
	Seq  int64
	Hash string
}

func (chainHead) TableName() string { return "attendance_chain_head" }

// canonical is the exact text a row's hash covers.
func canonical(p *Punch) string {
	f := func(v *float64) string {
		if v == nil {
			return "null"
		}
		return strconv.FormatFloat(*v, 'g', -1, 64)
	}
	q := strconv.Quote
	return strings.Join([]string{
		strconv.FormatInt(p.Seq, 10), q(p.ID), q(p.UserID), q(p.WorkDate), p.At.UTC().Format(time.RFC3339Nano), q(p.Method),
		q(p.PlaceID), q(p.NetworkID), strconv.Itoa(p.DistanceM), strconv.Itoa(p.AccuracyM), f(p.Lat), f(p.Lng),
		q(p.Note), q(p.PhotoID), q(p.Review), q(p.Voids), q(p.ApprovalID), q(p.ActorID), q(p.Reason),
		p.CreatedAt.UTC().Format(time.RFC3339Nano),
	}, "|")
}

func rowHash(prev string, p *Punch) string {
	h := sha256.Sum256([]byte(prev + "\n" + canonical(p)))
	return hex.EncodeToString(h[:])
}

// appendPunch writes p as the chain's next row, in tx (appendPunches).
func (s *Service) appendPunch(tx *gorm.DB, p *Punch) error {
	return s.appendPunches(tx, []*Punch{p})
}

// appendPunches writes ps as the chain's next rows, in their order, in tx:
// it takes the head (locked), numbers and hashes each row on the one
// before, inserts them together and moves the head and the day's
// checkpoint once. A batch of punches (punch_batch.go) thus costs the
// serialised part of the write one head read, one insert and two updates,
// not that per punch; the rows and their links are exactly those of
// appending them one by one.
func (s *Service) appendPunches(tx *gorm.DB, ps []*Punch) error {
	if len(ps) == 0 {
		return nil
	}
	var head chainHead
	if err := store.ForUpdate(tx).Where("id = 1").Take(&head).Error; err != nil {
		return fmt.Errorf("attendance: chain head: %w", err)
	}
	now := s.clock.Now().UTC().Truncate(time.Microsecond)
	seq, prev := head.Seq, head.Hash
	for _, p := range ps {
		if p.ID == "" {
			p.ID = store.NewID()
		}
		seq++
		p.At = p.At.UTC().Truncate(time.Microsecond)
		p.CreatedAt = now
		p.Seq = seq
		p.PrevHash = prev
		p.Hash = rowHash(prev, p)
		prev = p.Hash
	}
	if err := tx.CreateInBatches(ps, 100).Error; err != nil {
		return fmt.Errorf("attendance: punch: %w", err)
	}
	if err := tx.Model(&chainHead{}).Where("id = 1").Updates(map[string]any{"seq": seq, "hash": prev}).Error; err != nil {
		return fmt.Errorf("attendance: chain head: %w", err)
	}
	// Every row of a batch has the same CreatedAt, so one company day.
	day := now.In(s.loc).Format(time.DateOnly)
	if err := tx.Exec(`INSERT INTO attendance_checkpoints (day, last_seq, hash, punches, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET last_seq = excluded.last_seq, hash = excluded.hash,
		punches = attendance_checkpoints.punches + excluded.punches, updated_at = excluded.updated_at`, day, seq, prev, len(ps), now).Error; err != nil {
		return fmt.Errorf("attendance: checkpoint: %w", err)
	}
	return nil
}

// ChainReport is what VerifyChain found.
type ChainReport struct {
	Rows        int
	Checkpoints int
	Problems    []string
}

// OK reports whether the chain verified.
func (r ChainReport) OK() bool { return len(r.Problems) == 0 }

type checkpoint struct {
	Day     string
	LastSeq int64
	Hash    string
	Punches int
}

// VerifyChain recomputes every row's hash in sequence order and checks the
// links, the checkpoints and the head. It reads only (tack admin verify).
func VerifyChain(ctx context.Context, db *gorm.DB) (ChainReport, error) {
	var rep ChainReport
	db = db.WithContext(ctx)
	hashes := map[int64]string{}
	prev, last := "", int64(0)
	for {
		var rows []Punch
		if err := db.Where("seq > ?", last).Order("seq").Limit(1000).Find(&rows).Error; err != nil {
			return rep, fmt.Errorf("attendance: verify: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		for i := range rows {
			p := &rows[i]
			if p.Seq != last+1 {
				rep.Problems = append(rep.Problems, fmt.Sprintf("punch chain: rows %d to %d are missing", last+1, p.Seq-1))
			}
			if p.PrevHash != prev {
				rep.Problems = append(rep.Problems, fmt.Sprintf("punch chain: row %d (%s) does not follow row %d", p.Seq, p.ID, last))
			}
			if h := rowHash(p.PrevHash, p); h != p.Hash {
				rep.Problems = append(rep.Problems, fmt.Sprintf("punch chain: row %d (%s) was changed after it was written", p.Seq, p.ID))
			}
			hashes[p.Seq] = p.Hash
			prev, last = p.Hash, p.Seq
			rep.Rows++
		}
	}
	var head chainHead
	if err := db.Where("id = 1").Take(&head).Error; err != nil {
		return rep, fmt.Errorf("attendance: verify: head: %w", err)
	}
	if head.Seq != last || head.Hash != prev {
		rep.Problems = append(rep.Problems, fmt.Sprintf("punch chain: the head names row %d but the last row is %d", head.Seq, last))
	}
	var cps []checkpoint
	if err := db.Table("attendance_checkpoints").Order("day").Find(&cps).Error; err != nil {
		return rep, fmt.Errorf("attendance: verify: checkpoints: %w", err)
	}
	for _, c := range cps {
		rep.Checkpoints++
		if h, ok := hashes[c.LastSeq]; !ok || h != c.Hash {
			rep.Problems = append(rep.Problems, fmt.Sprintf("punch chain: the checkpoint of %s (row %d) does not match the rows", c.Day, c.LastSeq))
		}
	}
	return rep, nil
}
