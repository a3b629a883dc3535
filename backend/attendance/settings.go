package attendance

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/store"
)

func loadSettings(tx *gorm.DB) (Settings, error) {
	var st Settings
	if err := tx.Where("id = 1").Take(&st).Error; err != nil {
		return st, fmt.Errorf("attendance: settings: %w", err)
	}
	return st, nil
}

func record(tx *gorm.DB, a identity.Actor, action, typ, id string, detail map[string]any) error {
	return audit.Record(tx, audit.Entry{ActorID: a.UserID, Action: "attendance." + action, TargetType: typ, TargetID: id, Detail: detail})
}

// GetSettings returns the company attendance settings (everyone may read: the punch page shows the cap).
func (s *Service) GetSettings(ctx context.Context) (Settings, error) {
	return loadSettings(s.db.WithContext(ctx))
}

// SetSettings changes the company rules and the days job's timing
// (managers; audited with what changed; versioned like every setting).
func (s *Service) SetSettings(ctx context.Context, a identity.Actor, in Settings) (Settings, error) {
	if !IsManager(a) {
		return Settings{}, ErrAdminOnly
	}
	var v apperr.Validator
	v.Check(in.MakeupCap >= 0 && in.MakeupCap <= 31, "makeup_cap", "out_of_range")
	v.Check(in.RemindBefore >= 0 && in.RemindBefore <= 240, "remind_before_min", "out_of_range")
	v.Check(in.RemindAfter >= 0 && in.RemindAfter <= 240, "remind_after_min", "out_of_range")
	v.Check(in.SummaryHour >= 0 && in.SummaryHour <= 23, "summary_hour", "out_of_range")
	// Days 1–28 exist in every month; heads need at least the compile day itself.
	v.Check(in.CompileDay >= 1 && in.CompileDay <= 28, "compile_day", "out_of_range")
	v.Check(in.ConfirmByDay >= 1 && in.ConfirmByDay <= 28 && in.ConfirmByDay >= in.CompileDay, "confirm_by_day", "out_of_range")
	if err := v.Err("attendance.invalid", "invalid settings"); err != nil {
		return Settings{}, err
	}
	var out Settings
	err := s.writeConfig(ctx, func(tx *gorm.DB) error {
		old, err := loadSettings(tx)
		if err != nil {
			return err
		}
		set := map[string]any{"makeup_cap": in.MakeupCap, "remind_before_min": in.RemindBefore, "remind_after_min": in.RemindAfter,
			"summary_hour": in.SummaryHour, "compile_day": in.CompileDay, "confirm_by_day": in.ConfirmByDay, "leave_balance_check": in.LeaveBalanceCheck}
		was := map[string]any{"makeup_cap": old.MakeupCap, "remind_before_min": old.RemindBefore, "remind_after_min": old.RemindAfter,
			"summary_hour": old.SummaryHour, "compile_day": old.CompileDay, "confirm_by_day": old.ConfirmByDay, "leave_balance_check": old.LeaveBalanceCheck}
		changed := map[string]any{}
		for k, v := range set {
			if was[k] != v {
				changed[k] = map[string]any{"from": was[k], "to": v}
			}
		}
		upd := map[string]any{"version": gorm.Expr("version + 1"), "updated_at": s.clock.Now()}
		for k, v := range set {
			upd[k] = v
		}
		res := tx.Model(&Settings{}).Where("id = 1 AND version = ?", in.Version).Updates(upd)
		if res.Error != nil {
			return fmt.Errorf("attendance: settings: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		if err := record(tx, a, "settings.update", "attendance_settings", "1", changed); err != nil {
			return err
		}
		out, err = loadSettings(tx)
		return err
	})
	return out, err
}

// checkName: a setting's name is shown on one line in lists, the punch
// result and exports; each failure gets its own key so the form says which.
func checkName(v *apperr.Validator, name string) {
	v.Check(name != "", "name", "required")
	v.Check(len([]rune(name)) <= 100, "name", "too_long")
	v.Check(apperr.SingleLine(name), "name", apperr.ControlCharacter)
}

// ---- shifts

func checkShift(in Shift) error {
	var v apperr.Validator
	name := strings.TrimSpace(in.Name)
	checkName(&v, name)
	v.Check(in.StartMin >= 0 && in.StartMin < 24*60, "start_min", "out_of_range")
	v.Check(in.EndMin > in.StartMin && in.EndMin <= in.StartMin+24*60, "end_min", "out_of_range")
	v.Check(in.BreakStartMin == 0 && in.BreakEndMin == 0 || (in.BreakStartMin >= in.StartMin && in.BreakEndMin > in.BreakStartMin && in.BreakEndMin <= in.EndMin),
		"break_end_min", "out_of_range")
	for f, x := range map[string]int{"earliest_in_min": in.EarliestInMin, "latest_out_min": in.LatestOutMin, "grace_min": in.GraceMin,
		"flex_min": in.FlexMin, "serious_late_min": in.SeriousLateMin, "absent_late_min": in.AbsentLateMin} {
		v.Check(x >= 0 && x <= 12*60, f, "out_of_range")
	}
	return v.Err("attendance.invalid", "invalid shift")
}

// Shifts lists every shift (managers).
func (s *Service) Shifts(ctx context.Context, a identity.Actor) ([]Shift, error) {
	if !IsManager(a) {
		return nil, ErrAdminOnly
	}
	var out []Shift
	if err := s.db.WithContext(ctx).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("attendance: shifts: %w", err)
	}
	return out, nil
}

// SaveShift creates (id "") or updates a shift (managers; audited).
func (s *Service) SaveShift(ctx context.Context, a identity.Actor, id string, in Shift) (Shift, error) {
	if !IsManager(a) {
		return Shift{}, ErrAdminOnly
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := checkShift(in); err != nil {
		return Shift{}, err
	}
	now := s.clock.Now()
	err := s.writeConfig(ctx, func(tx *gorm.DB) error {
		out := in
		if err := saveVersioned(tx, "shift", id, in.Version, &out, now); err != nil {
			return err
		}
		in = out
		return record(tx, a, "shift.save", "attendance_shift", out.ID, map[string]any{"name": out.Name, "start_min": out.StartMin, "end_min": out.EndMin})
	})
	return in, err
}

// DeleteShift removes a shift no group uses (managers; audited).
func (s *Service) DeleteShift(ctx context.Context, a identity.Actor, id string) error {
	if !IsManager(a) {
		return ErrAdminOnly
	}
	return s.writeConfig(ctx, func(tx *gorm.DB) error {
		var gs []Group
		if err := tx.Find(&gs).Error; err != nil {
			return fmt.Errorf("attendance: groups: %w", err)
		}
		for _, g := range gs {
			for _, sid := range g.WeekShifts {
				if sid == id {
					return apperr.Conflict("attendance.shift_in_use", "a group still works this shift")
				}
			}
		}
		res := tx.Where("id = ?", id).Delete(&Shift{})
		if res.Error != nil {
			return fmt.Errorf("attendance: shift: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return record(tx, a, "shift.delete", "attendance_shift", id, nil)
	})
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf("attendance: %w", err)
}

// ---- groups

// Groups lists every group with its members (managers).
func (s *Service) Groups(ctx context.Context, a identity.Actor) ([]Group, error) {
	if !IsManager(a) {
		return nil, ErrAdminOnly
	}
	db := s.db.WithContext(ctx)
	var gs []Group
	if err := db.Order("is_default DESC, created_at, id").Find(&gs).Error; err != nil {
		return nil, fmt.Errorf("attendance: groups: %w", err)
	}
	var ms []Member
	if err := db.Order("kind, ref_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("attendance: members: %w", err)
	}
	for i := range gs {
		gs[i].Members = []Member{}
		for _, m := range ms {
			if m.GroupID == gs[i].ID {
				gs[i].Members = append(gs[i].Members, m)
			}
		}
	}
	return gs, nil
}

// SaveGroup creates (id "") or updates a group and replaces its members (managers; audited).
func (s *Service) SaveGroup(ctx context.Context, a identity.Actor, id string, in Group) (Group, error) {
	if !IsManager(a) {
		return Group{}, ErrAdminOnly
	}
	in.Name = strings.TrimSpace(in.Name)
	var v apperr.Validator
	checkName(&v, in.Name)
	v.Check(in.Schedule == ScheduleFixed || in.Schedule == ScheduleFree || in.Schedule == ScheduleRota, "schedule", "invalid")
	v.Check(in.Schedule != ScheduleFixed || len(in.WeekShifts) == 7, "week_shifts", "invalid")
	v.Check(in.Schedule != ScheduleFree || (in.FreeMinutes > 0 && in.FreeMinutes <= 24*60), "free_minutes", "out_of_range")
	if in.PhotoPolicy == "" {
		in.PhotoPolicy = PhotoSuspicious
	}
	v.Check(in.PhotoPolicy == PhotoSuspicious || in.PhotoPolicy == PhotoAlways, "photo_policy", "invalid")
	for _, m := range in.Members {
		v.Check(m.Kind == MemberDepartment || m.Kind == MemberUser || m.Kind == MemberExclude, "members", "invalid")
	}
	if err := v.Err("attendance.invalid", "invalid group"); err != nil {
		return Group{}, err
	}
	if in.WeekShifts == nil {
		in.WeekShifts = []string{"", "", "", "", "", "", ""}
	}
	now := s.clock.Now()
	var out Group
	err := s.writeConfig(ctx, func(tx *gorm.DB) error {
		var fv apperr.Validator
		for _, sid := range in.WeekShifts {
			if sid == "" {
				continue
			}
			var n int64
			if err := tx.Model(&Shift{}).Where("id = ?", sid).Count(&n).Error; err != nil {
				return fmt.Errorf("attendance: shift: %w", err)
			}
			fv.Check(n == 1, "week_shifts", "not_found")
		}
		for _, m := range in.Members {
			table := "users"
			if m.Kind == MemberDepartment {
				table = "departments"
			}
			var n int64
			if err := tx.Table(table).Where("id = ?", m.RefID).Count(&n).Error; err != nil {
				return fmt.Errorf("attendance: member: %w", err)
			}
			fv.Check(n == 1, "members", "not_found")
		}
		if err := fv.Err("attendance.invalid", "invalid group"); err != nil {
			return err
		}
		out = in
		if id == "" {
			out.ID, out.Version, out.CreatedAt, out.UpdatedAt, out.IsDefault = store.NewID(), 1, now, now, false
			if err := tx.Omit("Members").Create(&out).Error; err != nil {
				return fmt.Errorf("attendance: group: %w", err)
			}
		} else {
			var old Group
			if err := tx.Where("id = ?", id).Take(&old).Error; err != nil {
				return notFound(err)
			}
			if old.Version != in.Version {
				return ErrStale
			}
			out.ID, out.Version, out.CreatedAt, out.UpdatedAt, out.IsDefault = id, old.Version+1, old.CreatedAt, now, old.IsDefault
			res := tx.Model(&Group{}).Where("id = ? AND version = ?", id, old.Version).Updates(map[string]any{
				"name": out.Name, "schedule": out.Schedule, "week_shifts": mustJSON(out.WeekShifts), "free_minutes": out.FreeMinutes,
				"field_allowed": out.FieldAllowed,
				"photo_policy":  out.PhotoPolicy, "field_approval": out.FieldApproval, "version": out.Version, "updated_at": now})
			if res.Error != nil {
				return fmt.Errorf("attendance: group: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return ErrStale
			}
			if err := tx.Where("group_id = ?", id).Delete(&Member{}).Error; err != nil {
				return fmt.Errorf("attendance: members: %w", err)
			}
		}
		seen := map[string]bool{}
		out.Members = []Member{}
		for _, m := range in.Members {
			k := m.Kind + "/" + m.RefID
			if seen[k] {
				continue
			}
			seen[k] = true
			m.GroupID = out.ID
			if err := tx.Create(&m).Error; err != nil {
				return fmt.Errorf("attendance: member: %w", err)
			}
			out.Members = append(out.Members, m)
		}
		return record(tx, a, "group.save", "attendance_group", out.ID, map[string]any{"name": out.Name, "schedule": out.Schedule, "members": len(out.Members),
			"photo_policy": out.PhotoPolicy, "field_approval": out.FieldApproval})
	})
	return out, err
}

// DeleteGroup removes a group that is not the default (managers; audited).
func (s *Service) DeleteGroup(ctx context.Context, a identity.Actor, id string) error {
	if !IsManager(a) {
		return ErrAdminOnly
	}
	return s.writeConfig(ctx, func(tx *gorm.DB) error {
		var g Group
		if err := tx.Where("id = ?", id).Take(&g).Error; err != nil {
			return notFound(err)
		}
		if g.IsDefault {
			return apperr.Conflict("attendance.default_group", "the default group cannot be deleted")
		}
		if err := tx.Where("group_id = ?", id).Delete(&Member{}).Error; err != nil {
			return fmt.Errorf("attendance: members: %w", err)
		}
		if err := tx.Where("id = ?", id).Delete(&Group{}).Error; err != nil {
			return fmt.Errorf("attendance: group: %w", err)
		}
		return record(tx, a, "group.delete", "attendance_group", id, map[string]any{"name": g.Name})
	})
}

// ---- places

// DefaultRadiusM is the policy's fence: 200 m around the office.
const DefaultRadiusM = 200

// Places lists the office points (managers).
func (s *Service) Places(ctx context.Context, a identity.Actor) ([]Place, error) {
	if !IsManager(a) {
		return nil, ErrAdminOnly
	}
	var out []Place
	if err := s.db.WithContext(ctx).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("attendance: places: %w", err)
	}
	return out, nil
}

// SavePlace creates (id "") or updates a place (managers; audited). A
// position pasted from a Chinese map app (Coords "gcj02") is converted to
// WGS-84 here, once.
func (s *Service) SavePlace(ctx context.Context, a identity.Actor, id string, in PlaceRequest) (Place, error) {
	if !IsManager(a) {
		return Place{}, ErrAdminOnly
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.RadiusM == 0 {
		in.RadiusM = DefaultRadiusM
	}
	var v apperr.Validator
	checkName(&v, in.Name)
	v.Check(in.Lat >= -90 && in.Lat <= 90, "lat", "out_of_range")
	v.Check(in.Lng >= -180 && in.Lng <= 180, "lng", "out_of_range")
	v.Check(in.RadiusM >= 10 && in.RadiusM <= 5000, "radius_m", "out_of_range")
	v.Check(in.Coords == "" || in.Coords == "wgs84" || in.Coords == "gcj02", "coords", "invalid")
	if err := v.Err("attendance.invalid", "invalid place"); err != nil {
		return Place{}, err
	}
	lat, lng := in.Lat, in.Lng
	if in.Coords == "gcj02" {
		lat, lng = GCJToWGS(lat, lng)
	}
	now := s.clock.Now()
	var out Place
	err := s.writeConfig(ctx, func(tx *gorm.DB) error {
		out = Place{Name: in.Name, Lat: lat, Lng: lng, RadiusM: in.RadiusM}
		if err := saveVersioned(tx, "place", id, in.Version, &out, now); err != nil {
			return err
		}
		return record(tx, a, "place.save", "attendance_place", out.ID, map[string]any{"name": out.Name, "radius_m": out.RadiusM, "coords": in.Coords})
	})
	return out, err
}

// DeletePlace removes a place (managers; audited). Punches keep its ID.
func (s *Service) DeletePlace(ctx context.Context, a identity.Actor, id string) error {
	return s.deleteSimple(ctx, a, &Place{}, id, "place")
}

func (s *Service) deleteSimple(ctx context.Context, a identity.Actor, model any, id, what string) error {
	if !IsManager(a) {
		return ErrAdminOnly
	}
	return s.writeConfig(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ?", id).Delete(model)
		if res.Error != nil {
			return fmt.Errorf("attendance: %s: %w", what, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return record(tx, a, what+".delete", "attendance_"+what, id, nil)
	})
}

// ---- networks

// Networks lists the approved office networks (managers).
func (s *Service) Networks(ctx context.Context, a identity.Actor) ([]Network, error) {
	if !IsManager(a) {
		return nil, ErrAdminOnly
	}
	var out []Network
	if err := s.db.WithContext(ctx).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("attendance: networks: %w", err)
	}
	return out, nil
}

// SaveNetwork creates (id "") or updates an approved network (managers; audited).
func (s *Service) SaveNetwork(ctx context.Context, a identity.Actor, id string, in Network) (Network, error) {
	if !IsManager(a) {
		return Network{}, ErrAdminOnly
	}
	in.Name, in.CIDR = strings.TrimSpace(in.Name), strings.TrimSpace(in.CIDR)
	var v apperr.Validator
	checkName(&v, in.Name)
	pfx, err := parseCIDR(in.CIDR)
	v.Check(err == nil, "cidr", "invalid")
	if err := v.Err("attendance.invalid", "invalid network"); err != nil {
		return Network{}, err
	}
	in.CIDR = pfx.String()
	now := s.clock.Now()
	var out Network
	err = s.writeConfig(ctx, func(tx *gorm.DB) error {
		out = Network{Name: in.Name, CIDR: in.CIDR}
		if err := saveVersioned(tx, "network", id, in.Version, &out, now); err != nil {
			return err
		}
		return record(tx, a, "network.save", "attendance_network", out.ID, map[string]any{"name": out.Name, "cidr": out.CIDR})
	})
	return out, err
}

// DeleteNetwork removes an approved network (managers; audited).
func (s *Service) DeleteNetwork(ctx context.Context, a identity.Actor, id string) error {
	return s.deleteSimple(ctx, a, &Network{}, id, "network")
}

// parseCIDR accepts a prefix ("10.0.0.0/8") or one address.
func parseCIDR(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// stamped is a settings row two managers may edit at once: an ID, a
// Version checked on save, and its creation and update times.
type stamped interface {
	stamp(id string, version int, created, updated time.Time)
	stamps() (version int, created time.Time)
}

func (r *Shift) stamp(id string, v int, c, u time.Time) {
	r.ID, r.Version, r.CreatedAt, r.UpdatedAt = id, v, c, u
}
func (r *Shift) stamps() (int, time.Time) { return r.Version, r.CreatedAt }
func (r *Place) stamp(id string, v int, c, u time.Time) {
	r.ID, r.Version, r.CreatedAt, r.UpdatedAt = id, v, c, u
}
func (r *Place) stamps() (int, time.Time) { return r.Version, r.CreatedAt }
func (r *Network) stamp(id string, v int, c, u time.Time) {
	r.ID, r.Version, r.CreatedAt, r.UpdatedAt = id, v, c, u
}
func (r *Network) stamps() (int, time.Time) { return r.Version, r.CreatedAt }

// saveVersioned creates out (id "") or replaces row id with it when the
// row is still at version, bumping it: ErrStale when another manager saved
// first (read here, or between the read and the guarded update).
func saveVersioned[T any, P interface {
	*T
	stamped
}](tx *gorm.DB, what, id string, version int, out P, now time.Time) error {
	if id == "" {
		out.stamp(store.NewID(), 1, now, now)
		if err := tx.Create(out).Error; err != nil {
			return fmt.Errorf("attendance: %s: %w", what, err)
		}
		return nil
	}
	var old T
	if err := tx.Where("id = ?", id).Take(&old).Error; err != nil {
		return notFound(err)
	}
	oldVersion, created := P(&old).stamps()
	if oldVersion != version {
		return ErrStale
	}
	out.stamp(id, oldVersion+1, created, now)
	res := tx.Where("id = ? AND version = ?", id, oldVersion).Select("*").Updates(out)
	if res.Error != nil {
		return fmt.Errorf("attendance: %s: %w", what, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrStale
	}
	return nil
}
