package devices

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/apperr"
	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/store"
)

// BehindAfter is how long without a successful backup makes a device
// "behind" (the admin page's filter).
const BehindAfter = 24 * time.Hour

// Limits of a heartbeat.
const (
	maxPairs  = 200
	maxText   = 2000
	maxName   = 200
	maxPath   = 4096
	maxStates = 32
)

// PairReport is one sync pair of a device as its agent sees it.
type PairReport struct {
	PairID        string     `json:"pair_id"`
	LocalPath     string     `json:"local_path"`
	State         string     `json:"state"` // synced, syncing, paused, error, stopped…
	Error         string     `json:"error,omitempty"`
	LastSync      *time.Time `json:"last_sync,omitempty"` // last pass that ended without error
	Skipped       int        `json:"skipped"`             // files not backed up (unreadable, locked…)
	PendingDelete int        `json:"pending_delete"`      // a held mass delete
}

// HeartbeatRequest is what an agent sends.
type HeartbeatRequest struct {
	DeviceKey string       `json:"device_key"` // random, kept by the agent in its data dir
	Name      string       `json:"name"`       // the computer's name
	Client    string       `json:"client"`     // "desktop" or "cli", and a version
	Pairs     []PairReport `json:"pairs"`
}

// Device is the last report of one agent.
type Device struct {
	ID         string       `gorm:"column:id;primaryKey" json:"id"`
	UserID     string       `gorm:"column:user_id" json:"user_id"`
	DeviceKey  string       `gorm:"column:device_key" json:"-"`
	Name       string       `gorm:"column:name" json:"name"`
	Client     string       `gorm:"column:client" json:"client"`
	ReportedAt time.Time    `gorm:"column:reported_at" json:"reported_at"`
	Pairs      []PairReport `gorm:"column:pairs;serializer:json" json:"pairs"`
	// LastBackupAt is the oldest last successful sync among the device's
	// pairs that are not paused: the device is as backed up as its most
	// behind folder. Nil when a pair never synced.
	LastBackupAt *time.Time `gorm:"column:last_backup_at" json:"last_backup_at"`
	Stopped      int        `gorm:"column:stopped" json:"stopped"`
	Errors       int        `gorm:"column:errors" json:"errors"`
	Skipped      int        `gorm:"column:skipped" json:"skipped"`
}

// TableName is the gorm table.
func (Device) TableName() string { return "sync_devices" }

// DeviceView is a device on the admin page.
type DeviceView struct {
	Device
	UserName string `json:"user_name"`
	// Behind: no successful backup (or no report at all) for a day, or a
	// pair stopped.
	Behind bool `json:"behind"`
}

// Service records heartbeats and lists devices.
type Service struct {
	db  *gorm.DB
	clk clock.Clock
}

// NewService builds the service.
func NewService(db *gorm.DB, clk clock.Clock) *Service { return &Service{db: db, clk: clk} }

var (
	keyPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)
	errInvalid   = apperr.Invalid("sync.heartbeat_invalid", "the heartbeat is not valid")
	errAdminOnly = apperr.Forbidden("sync.devices_admins_only", "only administrators see the devices' backups")
)

// Heartbeat records the report of the actor's device (the actor's own: a
// device key is scoped to the account that reports it, so nobody can
// overwrite another person's device).
func (s *Service) Heartbeat(ctx context.Context, a identity.Actor, req HeartbeatRequest) (Device, error) {
	if err := validate(&req); err != nil {
		return Device{}, err
	}
	now := s.clk.Now().UTC()
	var out Device
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var prev Device
		err := tx.Where("user_id = ? AND device_key = ?", a.UserID, req.DeviceKey).Take(&prev).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("devices: read: %w", err)
		}
		d := Device{ID: prev.ID, UserID: a.UserID, DeviceKey: req.DeviceKey, Name: req.Name, Client: req.Client, ReportedAt: now, Pairs: req.Pairs}
		if d.ID == "" {
			d.ID = store.NewID()
		}
		// An agent that has just started knows no last sync yet: keep the
		// one it reported before for the same pair, so a restart does not
		// make a device look never backed up.
		last := map[string]*time.Time{}
		for _, p := range prev.Pairs {
			last[p.PairID] = p.LastSync
		}
		var oldest *time.Time
		never := false
		for i := range d.Pairs {
			p := &d.Pairs[i]
			if p.LastSync == nil || p.LastSync.IsZero() {
				p.LastSync = last[p.PairID]
			}
			switch p.State {
			case "stopped":
				d.Stopped++
			case "error":
				d.Errors++
			}
			d.Skipped += p.Skipped
			switch {
			case p.State == "paused":
			case p.LastSync == nil:
				never = true
			case oldest == nil || p.LastSync.Before(*oldest):
				t := p.LastSync.UTC()
				oldest = &t
			}
		}
		if !never {
			d.LastBackupAt = oldest
		}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, UpdateAll: true}).Create(&d).Error; err != nil {
			return fmt.Errorf("devices: save: %w", err)
		}
		out = d
		return nil
	})
	return out, err
}

func validate(req *HeartbeatRequest) error {
	bad := errInvalid
	fields := 0
	if !keyPattern.MatchString(req.DeviceKey) {
		bad, fields = bad.WithField("device_key", "invalid"), fields+1
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || utf8.RuneCountInString(req.Name) > maxName || !utf8.ValidString(req.Name) {
		bad, fields = bad.WithField("name", "invalid"), fields+1
	}
	if utf8.RuneCountInString(req.Client) > maxName {
		bad, fields = bad.WithField("client", "too_long"), fields+1
	}
	if len(req.Pairs) > maxPairs {
		bad, fields = bad.WithField("pairs", "too_many"), fields+1
	}
	for _, p := range req.Pairs {
		if p.PairID == "" || len(p.PairID) > 64 || len(p.LocalPath) > maxPath || len(p.State) > maxStates || p.State == "" ||
			utf8.RuneCountInString(p.Error) > maxText || p.Skipped < 0 || p.PendingDelete < 0 {
			bad, fields = bad.WithField("pairs", "invalid"), fields+1
			break
		}
	}
	if fields > 0 {
		return bad
	}
	return nil
}

// List returns every device, the most behind first; behindOnly keeps those
// that have not backed up for a day (or have a stopped pair). Admins only.
func (s *Service) List(ctx context.Context, a identity.Actor, behindOnly bool) ([]DeviceView, error) {
	if !a.IsAdmin() {
		return nil, errAdminOnly
	}
	var rows []struct {
		Device
		UserName string `gorm:"column:user_name"`
	}
	err := s.db.WithContext(ctx).Table("sync_devices AS d").
		Select("d.*, u.name AS user_name").
		Joins("LEFT JOIN users u ON u.id = d.user_id").
		Order("d.reported_at").Limit(5000).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("devices: list: %w", err)
	}
	cutoff := s.clk.Now().Add(-BehindAfter)
	out := make([]DeviceView, 0, len(rows))
	for _, r := range rows {
		v := DeviceView{Device: r.Device, UserName: r.UserName}
		v.Behind = r.Stopped > 0 || r.ReportedAt.Before(cutoff) || r.LastBackupAt == nil || r.LastBackupAt.Before(cutoff)
		if behindOnly && !v.Behind {
			continue
		}
		if v.Pairs == nil {
			v.Pairs = []PairReport{}
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Behind != out[j].Behind {
			return out[i].Behind
		}
		return backupTime(out[i]).Before(backupTime(out[j]))
	})
	return out, nil
}

func backupTime(v DeviceView) time.Time {
	if v.LastBackupAt == nil {
		return time.Time{}
	}
	return *v.LastBackupAt
}

// Migrations is the package's schema.
func Migrations() []store.Migration {
	return []store.Migration{
		{ID: "devices-0001-sync-devices", SQL: `
CREATE TABLE sync_devices (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	device_key TEXT NOT NULL,
	name TEXT NOT NULL,
	client TEXT NOT NULL DEFAULT '',
	reported_at TIMESTAMPTZ NOT NULL,
	pairs TEXT,
	last_backup_at TIMESTAMPTZ,
	stopped INTEGER NOT NULL DEFAULT 0,
	errors INTEGER NOT NULL DEFAULT 0,
	skipped INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sync_devices_user_key ON sync_devices (user_id, device_key)`},
	}
}
