package attendance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"tack/backend/store"
)

// LoadDemo gives the demo company (…@demo.tack) an office, its network and
// the past month of punches: mostly on time, some late arrivals, a few
// forgotten clock-outs, overtime evenings and a salesperson's field
// punches with a photo. It does nothing when a place exists or there is no
// demo company. Results are derived when the pages read them.
func (s *Service) LoadDemo(ctx context.Context, out io.Writer) error {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&Place{}).Count(&n).Error; err != nil {
		return fmt.Errorf("attendance: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	var people []userRow
	if err := db.Table("users").Select("id, name, department_id, active").Where("email LIKE ? AND active = ?", "%@demo.tack", true).
		Order("email").Find(&people).Error; err != nil {
		return fmt.Errorf("attendance: demo people: %w", err)
	}
	if len(people) == 0 {
		return nil
	}
	var photo bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{R: uint8(80 + x), G: uint8(120 + y), B: 160, A: 255})
		}
	}
	if err := jpeg.Encode(&photo, img, &jpeg.Options{Quality: 70}); err != nil {
		return err
	}
	now := s.clock.Now()
	rng := rand.New(rand.NewPCG(7, 16))
	err := s.write(ctx, func(tx *gorm.DB) error {
		rows := 0
		place := Place{ID: store.NewID(), Name: "总部 · 科技园大厦", Lat: 31.2304, Lng: 121.4737, RadiusM: DefaultRadiusM, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&place).Error; err != nil {
			return fmt.Errorf("attendance: demo place: %w", err)
		}
		network := Network{ID: store.NewID(), Name: "总部办公网", CIDR: "10.10.0.0/16", Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&network).Error; err != nil {
			return fmt.Errorf("attendance: demo network: %w", err)
		}
		if err := bumpConfig(tx); err != nil {
			return err
		}
		today := s.midnight(now)
		for d := today.AddDate(0, -1, 0); d.Before(today); d = d.AddDate(0, 0, 1) {
			for i, u := range people {
				p, err := s.planFor(tx, u.ID, d)
				if err != nil {
					return err
				}
				if p.typ != DayWork || p.shift == nil {
					continue
				}
				if rng.IntN(40) == 0 {
					continue // a day without any punch: absent until someone asks for a makeup punch
				}
				start, end := d.Add(minutes(p.shift.StartMin)), d.Add(minutes(p.shift.EndMin))
				in := start.Add(-time.Duration(5+rng.IntN(30)) * time.Minute)
				if rng.IntN(9) == 0 {
					in = start.Add(time.Duration(3+rng.IntN(40)) * time.Minute) // late
				}
				outAt := end.Add(time.Duration(rng.IntN(25)) * time.Minute)
				if rng.IntN(6) == 0 {
					outAt = end.Add(time.Duration(60+rng.IntN(150)) * time.Minute) // overtime
				}
				field := i == 1 && rng.IntN(4) == 0 // a salesperson at a customer's
				punches := []time.Time{in}
				if rng.IntN(25) != 0 { // now and then a forgotten clock-out
					punches = append(punches, outAt)
				}
				for k, at := range punches {
					pu := Punch{UserID: u.ID, WorkDate: d.Format(time.DateOnly), At: at, ActorID: u.ID}
					switch {
					case field && k == 0:
						sum := sha256.Sum256(photo.Bytes())
						ph := photoRow{ID: store.NewID(), UserID: u.ID, Content: photo.Bytes(), Size: photo.Len(), Sha256: hex.EncodeToString(sum[:]), CreatedAt: at}
						if err := tx.Create(&ph).Error; err != nil {
							return fmt.Errorf("attendance: demo photo: %w", err)
						}
						lat, lng := 31.2604+rng.Float64()/100, 121.5137+rng.Float64()/100
						pu.Method, pu.Lat, pu.Lng, pu.AccuracyM, pu.PhotoID = MethodField, &lat, &lng, 12+rng.IntN(20), ph.ID
						pu.Note, pu.Review = "客户现场：设备安装调试", ReviewApproved
					case rng.IntN(3) == 0:
						pu.Method, pu.NetworkID = MethodNetwork, network.ID
					default:
						pu.Method, pu.PlaceID, pu.DistanceM, pu.AccuracyM = MethodGPS, place.ID, 10+rng.IntN(120), 8+rng.IntN(30)
					}
					if err := s.appendPunch(tx, &pu); err != nil {
						return err
					}
					rows++
				}
			}
		}
		_, err := fmt.Fprintf(out, "attendance: an office, its network and %d punches of the past month\n", rows)
		return err
	})
	return err
}
