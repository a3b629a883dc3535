package attendance

import (
	"context"
	"fmt"
	"net/netip"
	"sync"

	"gorm.io/gorm"

	"tack/backend/store"
)

// config is the attendance configuration — places, networks, groups and
// their members, shifts, settings — as read at one configVersion. Every
// punch and every leave submit needs it and it changes only when an admin
// edits it, so it is read once per edit instead of ~5 statements per
// request (issue 14). Shared between requests: read it, never write it
// (nor the Groups, Shifts or slices it hands out).
type config struct {
	places   []Place
	networks []Network
	prefixes []netip.Prefix // networks[i]'s CIDR; invalid ones never match
	groups   map[string]*Group
	def      *Group   // the earliest default group
	deptMs   []Member // every department entry, in group creation order
	userMs   map[string][]Member
	shifts   map[string]Shift
	night    bool // some shift crosses midnight (workDateOf)
	settings Settings
}

// configCache keeps the last config and the attendance_config_version it
// was read at, exactly as workcal.Cache does for the calendar: a request
// reads the one-row version (once per transaction, store.TxMemo) and the
// whole configuration only after an edit — on any replica, since every
// edit bumps the counter in its own transaction (bumpConfig), so a replica
// never answers from a configuration older than a write it can see.
type configCache struct {
	mu      sync.Mutex
	version int64
	cfg     *config
}

// withConfig makes the reads through the returned handle use cfg, read
// once for a request outside any transaction (TxMemo only works inside
// one): a punch's fence, group and work date before its write.
func withConfig(db *gorm.DB, cfg *config) *gorm.DB {
	return db.Set(configKey, cfg).Session(&gorm.Session{})
}

const configKey = "attendance.config" // gorm session setting (withConfig)

const (
	configMemo      = "attendance.config_version"
	configDirtyMemo = "attendance.config_dirty" // set in a transaction that bumped the version
	configTxMemo    = "attendance.config_tx"    // that transaction's own configuration
)

// config returns the configuration as db (a transaction or the pool) sees
// it. The version is read first: an edit committing between the version
// read and the reload leaves a newer configuration under the older
// version, which costs one more reload, never a stale answer.
func (s *Service) config(db *gorm.DB) (*config, error) {
	if c, ok := db.Get(configKey); ok { // one request's reads outside a transaction (withConfig)
		return c.(*config), nil
	}
	if _, dirty := store.TxMemo.Load(db, configDirtyMemo); dirty {
		// This transaction edited the configuration: read it as the
		// transaction sees it and keep it only for the transaction — it may
		// yet roll back, and its version number would then be reused by
		// another edit (the demo plans a month of days after adding its place).
		if c, ok := store.TxMemo.Load(db, configTxMemo); ok {
			return c.(*config), nil
		}
		cfg, err := loadConfig(db)
		if err == nil {
			store.TxMemo.Store(db, configTxMemo, cfg)
		}
		return cfg, err
	}
	v, ok := store.TxMemo.Load(db, configMemo)
	if !ok {
		var vs []int64
		if err := db.Raw(`SELECT version FROM attendance_config_version WHERE id = 1`).Scan(&vs).Error; err != nil {
			return nil, fmt.Errorf("attendance: config version: %w", err)
		}
		n := int64(0)
		if len(vs) == 1 {
			n = vs[0]
		}
		v = n
		store.TxMemo.Store(db, configMemo, n)
	}
	c := &s.cfg
	c.mu.Lock()
	if c.cfg != nil && c.version == v.(int64) {
		cfg := c.cfg
		c.mu.Unlock()
		return cfg, nil
	}
	c.mu.Unlock()
	cfg, err := loadConfig(db)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.version, c.cfg = v.(int64), cfg
	c.mu.Unlock()
	return cfg, nil
}

func loadConfig(db *gorm.DB) (*config, error) {
	cfg := &config{groups: map[string]*Group{}, userMs: map[string][]Member{}, shifts: map[string]Shift{}}
	if err := db.Order("name, id").Find(&cfg.places).Error; err != nil {
		return nil, fmt.Errorf("attendance: places: %w", err)
	}
	if err := db.Order("name, id").Find(&cfg.networks).Error; err != nil {
		return nil, fmt.Errorf("attendance: networks: %w", err)
	}
	cfg.prefixes = make([]netip.Prefix, len(cfg.networks))
	for i, n := range cfg.networks {
		cfg.prefixes[i], _ = parseCIDR(n.CIDR)
	}
	var gs []Group
	if err := db.Order("created_at, id").Find(&gs).Error; err != nil {
		return nil, fmt.Errorf("attendance: groups: %w", err)
	}
	for i := range gs {
		cfg.groups[gs[i].ID] = &gs[i]
		if gs[i].IsDefault && cfg.def == nil {
			cfg.def = &gs[i]
		}
	}
	var ms []Member
	if err := db.Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("attendance: members: %w", err)
	}
	for _, m := range ms {
		if m.Kind == MemberDepartment {
			cfg.deptMs = append(cfg.deptMs, m)
		} else {
			cfg.userMs[m.RefID] = append(cfg.userMs[m.RefID], m)
		}
	}
	var shs []Shift
	if err := db.Find(&shs).Error; err != nil {
		return nil, fmt.Errorf("attendance: shifts: %w", err)
	}
	for _, sh := range shs {
		cfg.shifts[sh.ID] = sh
		cfg.night = cfg.night || sh.EndMin > 24*60
	}
	st, err := loadSettings(db)
	if err != nil {
		return nil, err
	}
	cfg.settings = st
	return cfg, nil
}

// matchNetwork returns the approved network the address is in.
func (c *config) matchNetwork(ip string) *Network {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	addr = addr.Unmap()
	for i, p := range c.prefixes {
		if p.IsValid() && p.Contains(addr) {
			return &c.networks[i]
		}
	}
	return nil
}

// bumpConfig marks the configuration changed; it runs inside each edit's
// transaction so the new version and the new configuration commit together.
func bumpConfig(tx *gorm.DB) error {
	store.TxMemo.Forget(tx, configMemo)
	store.TxMemo.Forget(tx, configTxMemo)
	store.TxMemo.Store(tx, configDirtyMemo, true)
	if err := tx.Exec(`INSERT INTO attendance_config_version (id, version) VALUES (1, 1)
		ON CONFLICT (id) DO UPDATE SET version = attendance_config_version.version + 1`).Error; err != nil {
		return fmt.Errorf("attendance: bump config version: %w", err)
	}
	return nil
}

// writeConfig is write for an edit of the configuration: it bumps the version with it.
func (s *Service) writeConfig(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return bumpConfig(tx)
	})
}

func configMigrations() []store.Migration {
	return []store.Migration{{ID: "attendance-config-0001-version", SQL: `
CREATE TABLE attendance_config_version (
	id INTEGER PRIMARY KEY,
	version BIGINT NOT NULL
);
`}}
}

// settings are the attendance settings of the cached configuration.
func (s *Service) settings(db *gorm.DB) (Settings, error) {
	cfg, err := s.config(db)
	if err != nil {
		return Settings{}, err
	}
	return cfg.settings, nil
}
