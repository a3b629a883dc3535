package workcal

import (
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// Cache keeps the last calendar read and the workcal_version it was read
// at. Load costs one one-row read while the calendar is unchanged and reads
// the whole calendar only after an edit — on any replica, since every edit
// bumps the counter in its own transaction (bumpVersion). The Calendar it
// returns shares its Overrides map with the cache: read it, never write it.
type Cache struct {
	loc *time.Location

	mu      sync.Mutex
	version int64
	cal     Calendar
	valid   bool
}

// NewCache makes an empty cache for the calendar in zone loc.
func NewCache(loc *time.Location) *Cache { return &Cache{loc: loc} }

// Load returns the calendar as db (a caller's transaction, or the pool)
// sees it. The version is read first: an edit committing between the two
// reads leaves a newer calendar cached under the older version, which only
// costs one more reload, never a stale answer.
//
// Inside a transaction the version is read once (store.TxMemo): a submit
// asks for the calendar for its route, its attendance claim and its first
// task's deadline.
func (c *Cache) Load(db *gorm.DB) (Calendar, error) {
	cal, _, err := c.LoadVersion(db)
	return cal, err
}

// LoadVersion is Load that also says which calendar version it returned.
func (c *Cache) LoadVersion(db *gorm.DB) (Calendar, int64, error) {
	v, ok := store.TxMemo.Load(db, versionMemo)
	if !ok {
		var vs []int64
		if err := db.Raw(`SELECT version FROM workcal_version WHERE id = 1`).Scan(&vs).Error; err != nil {
			return Calendar{}, 0, fmt.Errorf("workcal: version: %w", err)
		}
		n := int64(0) // no row: never edited since the counter came
		if len(vs) == 1 {
			n = vs[0]
		}
		v = n
		store.TxMemo.Store(db, versionMemo, n)
	}
	cal, err := c.at(db, v.(int64))
	return cal, v.(int64), err
}

// Pin makes transaction tx use calendar version v, which its caller read
// (LoadVersion) just before it began, instead of reading the version again:
// a submit validates its form on the calendar it read, and its leave claim
// and first deadline then count on the same one. An edit committing in
// between is seen by the next action, as if it had come a moment later.
func Pin(tx *gorm.DB, v int64) { store.TxMemo.Store(tx, versionMemo, v) }

// versionMemo is where a transaction keeps the calendar version it uses.
const versionMemo = "workcal.version"

func (c *Cache) at(db *gorm.DB, v int64) (Calendar, error) {
	c.mu.Lock()
	if c.valid && c.version == v {
		cal := c.cal
		c.mu.Unlock()
		return cal, nil
	}
	c.mu.Unlock()
	cal, err := Load(db, c.loc)
	if err != nil {
		return Calendar{}, err
	}
	c.mu.Lock()
	c.version, c.cal, c.valid = v, cal, true
	c.mu.Unlock()
	return cal, nil
}

// bumpVersion marks the calendar changed; it runs inside each edit's
// transaction so the new version and the new calendar commit together.
func bumpVersion(tx *gorm.DB) error {
	store.TxMemo.Forget(tx, versionMemo)
	if err := tx.Exec(`INSERT INTO workcal_version (id, version) VALUES (1, 1)
		ON CONFLICT (id) DO UPDATE SET version = workcal_version.version + 1`).Error; err != nil {
		return fmt.Errorf("workcal: bump version: %w", err)
	}
	return nil
}
