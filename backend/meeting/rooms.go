package meeting

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/store"
)

// Rooms lists the active rooms by name.
func (s *Service) Rooms(ctx context.Context, actor identity.Actor) ([]Room, error) {
	var rooms []Room
	if err := s.db.WithContext(ctx).Where("active = ?", true).Order("name, id").Find(&rooms).Error; err != nil {
		return nil, fmt.Errorf("meeting: list rooms: %w", err)
	}
	return rooms, nil
}

// Room returns one room.
func (s *Service) Room(ctx context.Context, actor identity.Actor, id string) (Room, error) {
	var r Room
	if err := s.db.WithContext(ctx).First(&r, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return Room{}, ErrRoomNotFound
		}
		return Room{}, fmt.Errorf("meeting: get room: %w", err)
	}
	return r, nil
}

func validateRoom(in *RoomInput) error {
	in.Name = strings.TrimSpace(in.Name)
	in.Location = strings.TrimSpace(in.Location)
	var v apperr.Validator
	v.Check(in.Name != "", "name", "required")
	v.Check(len([]rune(in.Name)) <= 100, "name", "too_long")
	v.Check(apperr.SingleLine(in.Name), "name", apperr.ControlCharacter)
	v.Check(apperr.SingleLine(in.Location), "location", apperr.ControlCharacter)
	v.Check(in.Capacity >= 1, "capacity", "too_small")
	v.Check(in.Capacity <= 10000, "capacity", "too_large")
	v.Check(len([]rune(in.Location)) <= 200, "location", "too_long")
	v.Check(len(in.Equipment) <= 50, "equipment", "too_large")
	eq := make([]string, 0, len(in.Equipment))
	for _, e := range in.Equipment {
		if e = strings.TrimSpace(e); e != "" {
			v.Check(len([]rune(e)) <= 100, "equipment", "too_long")
			eq = append(eq, e)
		}
	}
	in.Equipment = eq
	return v.Err("meeting.invalid_room", "the room is not valid")
}

// CreateRoom adds a room (admins only).
func (s *Service) CreateRoom(ctx context.Context, actor identity.Actor, in RoomInput) (Room, error) {
	if !actor.IsAdmin() {
		return Room{}, ErrAdminOnly
	}
	if err := validateRoom(&in); err != nil {
		return Room{}, err
	}
	now := s.clock.Now()
	r := Room{ID: store.NewID(), Name: in.Name, Capacity: in.Capacity, Location: in.Location,
		Equipment: in.Equipment, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := s.checkRoomName(tx, r.Name, ""); err != nil {
			return err
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("meeting: create room: %w", err)
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "room.create", TargetType: "room", TargetID: r.ID,
			Detail: map[string]any{"name": r.Name, "capacity": r.Capacity}, CreatedAt: now})
	})
	return r, err
}

func (s *Service) checkRoomName(tx *gorm.DB, name, exceptID string) error {
	var n int64
	if err := tx.Model(&Room{}).Where("LOWER(name) = LOWER(?) AND active = ? AND id <> ?", name, true, exceptID).Count(&n).Error; err != nil {
		return fmt.Errorf("meeting: room name check: %w", err)
	}
	if n > 0 {
		return apperr.Conflict("meeting.room_name_taken", "a room with this name exists").WithField("name", "duplicate")
	}
	return nil
}

// UpdateRoom changes a room (admins only; optimistic locking by version).
func (s *Service) UpdateRoom(ctx context.Context, actor identity.Actor, id string, in RoomInput) (Room, error) {
	if !actor.IsAdmin() {
		return Room{}, ErrAdminOnly
	}
	if err := validateRoom(&in); err != nil {
		return Room{}, err
	}
	var out Room
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		var r Room
		if err := tx.First(&r, "id = ? AND active = ?", id, true).Error; err != nil {
			if store.IsNotFound(err) {
				return ErrRoomNotFound
			}
			return fmt.Errorf("meeting: load room: %w", err)
		}
		if err := s.checkRoomName(tx, in.Name, id); err != nil {
			return err
		}
		now := s.clock.Now()
		res := tx.Model(&Room{}).Where("id = ? AND version = ?", id, in.Version).Updates(map[string]any{
			"name": in.Name, "capacity": in.Capacity, "location": in.Location,
			"equipment": mustJSON(in.Equipment), "version": in.Version + 1, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("meeting: update room: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrRoomStale
		}
		r.Name, r.Capacity, r.Location, r.Equipment, r.Version, r.UpdatedAt = in.Name, in.Capacity, in.Location, in.Equipment, in.Version+1, now
		out = r
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "room.update", TargetType: "room", TargetID: id,
			Detail: map[string]any{"name": r.Name, "capacity": r.Capacity}, CreatedAt: now})
	})
	return out, err
}

// DeleteRoom retires a room (admins only). Existing bookings keep their
// history; the room can no longer be booked.
func (s *Service) DeleteRoom(ctx context.Context, actor identity.Actor, id string) error {
	if !actor.IsAdmin() {
		return ErrAdminOnly
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.clock.Now()
		res := tx.Model(&Room{}).Where("id = ? AND active = ?", id, true).
			Updates(map[string]any{"active": false, "updated_at": now, "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			return fmt.Errorf("meeting: delete room: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrRoomNotFound
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "room.delete", TargetType: "room", TargetID: id, CreatedAt: now})
	})
}
