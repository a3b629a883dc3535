package attendance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// PunchResult is a punch and the day it landed on.
type PunchResult struct {
	Punch Punch `json:"punch"`
	Day   Day   `json:"day"`
}

func validPosition(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

// Punch records an office punch for the actor: by position when the
// request has one (inside a place's fence, with a fix at least as precise
// as its radius), else by the office network the request came from. A fix
// too coarse is refused (attendance.accuracy_too_poor) unless the network
// matches; a position outside every fence is refused with
// attendance.outside_fence, which the UI turns into the field punch form.
func (s *Service) Punch(ctx context.Context, a identity.Actor, in PunchRequest) (PunchResult, error) {
	var v apperr.Validator
	hasPos := in.Lat != nil && in.Lng != nil
	if hasPos {
		v.Check(validPosition(*in.Lat, *in.Lng), "lat", "out_of_range")
		v.Check(in.Accuracy != nil && *in.Accuracy > 0 && *in.Accuracy < 100000, "accuracy", "required")
	}
	v.Check(len(in.Device) <= 200, "device", "too_long")
	if err := v.Err("attendance.invalid", "invalid punch"); err != nil {
		return PunchResult{}, err
	}
	now := s.clock.Now()
	j, err := s.preparePunch(s.db.WithContext(ctx), a, in, now)
	if err != nil {
		return PunchResult{}, err
	}
	return s.commitPunch(ctx, j)
}

// preparePunch works out an office punch from reads only, outside the
// serialised write (punch_batch.go): the place or network it matches, why it
// looks off, its photo and device, its work date.
func (s *Service) preparePunch(db *gorm.DB, a identity.Actor, in PunchRequest, now time.Time) (*punchJob, error) {
	hasPos := in.Lat != nil && in.Lng != nil
	j := &punchJob{p: Punch{UserID: a.UserID, At: now, ActorID: a.UserID}}
	p := &j.p
	var fenceErr error
	radius := 0
	cfg, err := s.config(db)
	if err != nil {
		return nil, err
	}
	db = withConfig(db, cfg)
	if hasPos {
		places := cfg.places
		var best *Place
		bestGap := math.Inf(1)
		dist := 0.0
		for i, pl := range places {
			d := Distance(*in.Lat, *in.Lng, pl.Lat, pl.Lng)
			if gap := d - float64(pl.RadiusM); gap < bestGap {
				best, bestGap, dist = &places[i], gap, d
			}
		}
		switch {
		case best == nil || bestGap > 0:
			fenceErr = ErrOutside
		case *in.Accuracy > float64(best.RadiusM):
			fenceErr = ErrAccuracy
		default:
			p.Method, p.PlaceID, p.DistanceM, p.AccuracyM = MethodGPS, best.ID, int(math.Round(dist)), int(math.Round(*in.Accuracy))
			radius = best.RadiusM
		}
	}
	if p.Method == "" {
		switch n := cfg.matchNetwork(in.ClientIP); {
		case n != nil:
			p.Method, p.NetworkID = MethodNetwork, n.ID
		case fenceErr != nil:
			return nil, fenceErr
		default:
			return nil, ErrNoNetwork
		}
	}
	if j.user, err = loadUser(db, p.UserID); err != nil {
		return nil, err
	}
	if err := s.checkPunch(db, j, in, radius); err != nil {
		return nil, err
	}
	if p.WorkDate, err = s.workDateOf(db, p.UserID, p.At); err != nil {
		return nil, err
	}
	return j, nil
}

// checkPunch asks for a photo when the punch looks off (suspicion.go):
// without one it is refused with the reasons; with one the photo is kept
// (metadata stripped) and the reasons recorded. A photo sent with a punch
// that needs none is not kept. The device is remembered once the punch passes.
func (s *Service) checkPunch(db *gorm.DB, j *punchJob, in PunchRequest, radius int) error {
	p := &j.p
	r, err := s.loadGroupResolver(db, []string{p.UserID})
	if err != nil {
		return err
	}
	g := r.of(j.user)
	why, known, err := suspicions(db, g, p, in, radius)
	if err != nil {
		return err
	}
	if len(why) > 0 {
		if len(in.Photo) == 0 {
			return photoNeeded(why)
		}
		if len(in.Photo) > MaxPhotoBytes {
			return ErrPhotoInvalid
		}
		clean, ok := StripJPEG(in.Photo)
		if !ok {
			return ErrPhotoInvalid
		}
		j.photo = clean
		p.Checks = strings.Join(why, ",")
	}
	if p.Method == MethodGPS && !known && in.Device != "" { // a known phone's punch writes no device row
		j.device = in.Device
	}
	return nil
}

// land chains the punch on the work date it belongs to and derives that day again.
func (s *Service) land(tx *gorm.DB, p *Punch, out *PunchResult) error {
	if _, err := loadUser(tx, p.UserID); err != nil {
		return err
	}
	if p.WorkDate == "" {
		d, err := s.workDateOf(tx, p.UserID, p.At)
		if err != nil {
			return err
		}
		p.WorkDate = d
	}
	if err := s.appendPunch(tx, p); err != nil {
		return err
	}
	day, err := s.recompute(tx, p.UserID, p.WorkDate)
	if err != nil {
		return err
	}
	*out = PunchResult{Punch: *p, Day: day}
	return nil
}

// FieldPunch records a field punch (外勤) for the actor: the position, a
// note and a photo whose metadata is stripped before it is stored. It is
// flagged for the head's review.
func (s *Service) FieldPunch(ctx context.Context, a identity.Actor, in FieldPunchRequest) (PunchResult, error) {
	in.Note = strings.TrimSpace(in.Note)
	var v apperr.Validator
	v.Check(validPosition(in.Lat, in.Lng) && !(in.Lat == 0 && in.Lng == 0), "lat", "out_of_range")
	v.Check(in.Accuracy >= 0 && in.Accuracy < 100000, "accuracy", "out_of_range")
	v.Check(in.Note != "", "note", "required")
	v.Check(len([]rune(in.Note)) <= 500, "note", "too_long")
	v.Check(len(in.Photo) > 0, "photo", "required")
	if !v.Valid() {
		if len(in.Photo) == 0 || in.Note == "" {
			e := ErrPhotoRequired.Wrap(nil)
			e.Fields = map[string]string{}
			if len(in.Photo) == 0 {
				e.Fields["photo"] = "required"
			}
			if in.Note == "" {
				e.Fields["note"] = "required"
			}
			return PunchResult{}, e
		}
		return PunchResult{}, v.Err("attendance.invalid", "invalid field punch")
	}
	if len(in.Photo) > MaxPhotoBytes {
		return PunchResult{}, ErrPhotoInvalid
	}
	clean, ok := StripJPEG(in.Photo)
	if !ok {
		return PunchResult{}, ErrPhotoInvalid
	}
	now := s.clock.Now()
	var out PunchResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		g, err := s.groupOf(tx, a.UserID)
		if err != nil {
			return err
		}
		if g != nil && !g.FieldAllowed {
			return apperr.Forbidden("attendance.field_not_allowed", "your attendance group does not allow field punches")
		}
		photoID, err := storePhoto(tx, a.UserID, clean, now)
		if err != nil {
			return err
		}
		lat, lng := in.Lat, in.Lng
		p := Punch{UserID: a.UserID, At: now, Method: MethodField, Lat: &lat, Lng: &lng, AccuracyM: int(math.Round(in.Accuracy)),
			Note: in.Note, PhotoID: photoID, Review: ReviewPending, ActorID: a.UserID}
		// With the group's field approval the punch waits for the head: it
		// is kept but the day is derived without it until approved.
		approval := g != nil && g.FieldApproval
		if approval {
			p.Review, p.NeedsApproval = ReviewAwaiting, true
		}
		if err := s.land(tx, &p, &out); err != nil {
			return err
		}
		// The head who reviews it hears of it, in the same transaction.
		head, err := headOf(tx, a.UserID)
		if err != nil || head == "" {
			return err
		}
		name := a.Name
		if u, err := loadUser(tx, a.UserID); err == nil {
			name = u.Name
		}
		return notify.Emit(tx, &notify.Event{Type: event.AttendanceFieldPunch, SubjectType: "attendance_punch", SubjectID: p.ID,
			ActorID: a.UserID, Recipients: []string{head},
			Data: event.Data(event.AttendancePunch{Title: name, Link: "/attendance/team?date=" + p.WorkDate, Note: in.Note, NeedsApproval: approval})})
	})
	return out, err
}

// Correct is a manager's correction (audited): a punch added for someone at
// At, or an earlier punch voided. Both are new rows with actor and reason;
// nothing is edited.
func (s *Service) Correct(ctx context.Context, a identity.Actor, in CorrectionRequest) (PunchResult, error) {
	if !IsManager(a) {
		return PunchResult{}, ErrAdminOnly
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var v apperr.Validator
	v.Check(in.UserID != "", "user_id", "required")
	v.Check(in.Reason != "" && len([]rune(in.Reason)) <= 500, "reason", "required")
	v.Check((in.At != nil) != (in.Voids != ""), "at", "required")
	if err := v.Err("attendance.invalid", "invalid correction"); err != nil {
		return PunchResult{}, err
	}
	var out PunchResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		if _, err := loadUser(tx, in.UserID); err != nil {
			return apperr.Invalid("attendance.invalid", "no such user").WithField("user_id", "not_found")
		}
		p := Punch{UserID: in.UserID, Method: MethodCorrection, ActorID: a.UserID, Reason: in.Reason}
		if in.Voids != "" {
			var old Punch
			err := tx.Where("id = ? AND user_id = ?", in.Voids, in.UserID).Take(&old).Error
			if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && old.Method == MethodReview) {
				return apperr.Invalid("attendance.invalid", "no such punch").WithField("voids", "not_found")
			}
			if err != nil {
				return fmt.Errorf("attendance: punch: %w", err)
			}
			p.Voids, p.At, p.WorkDate = old.ID, s.clock.Now(), old.WorkDate
		} else {
			p.At = *in.At
			d, err := s.workDateOf(tx, p.UserID, p.At)
			if err != nil {
				return err
			}
			p.WorkDate = d
		}
		// A confirmed month is locked: only an administrator still corrects it (audited as such).
		locked, err := monthLocked(tx, in.UserID, p.WorkDate)
		if err != nil {
			return err
		}
		if locked && !a.IsAdmin() {
			return ErrMonthLocked
		}
		if err := s.land(tx, &p, &out); err != nil {
			return err
		}
		return record(tx, a, "punch.correct", "attendance_punch", p.ID, map[string]any{"user_id": in.UserID, "voids": in.Voids,
			"at": p.At, "reason": in.Reason, "locked_month": locked})
	})
	return out, err
}

// Review records a head's decision on a field punch of one of their people
// (or a manager's), as a new chained row.
func (s *Service) Review(ctx context.Context, a identity.Actor, punchID string, in ReviewRequest) (Punch, error) {
	// The reason goes to the employee (attendance.field_reviewed) and into the chain.
	if len([]rune(strings.TrimSpace(in.Reason))) > 500 {
		return Punch{}, apperr.Invalid("attendance.invalid", "the reason is too long").WithField("reason", "too_long")
	}
	var out Punch
	err := s.write(ctx, func(tx *gorm.DB) error {
		var p Punch
		if err := tx.Where("id = ?", punchID).Take(&p).Error; err != nil {
			return notFound(err)
		}
		if err := s.canSee(tx, a, p.UserID); err != nil {
			return err
		}
		if p.UserID == a.UserID && !IsManager(a) {
			return ErrForbidden // nobody reviews their own field punch
		}
		if p.Method != MethodField {
			return apperr.Invalid("attendance.not_field", "only field punches are reviewed")
		}
		if !IsManager(a) {
			heads, err := headedDepartments(tx, a.UserID)
			if err != nil {
				return err
			}
			if len(heads) == 0 {
				return ErrForbidden
			}
		}
		r := Punch{UserID: p.UserID, WorkDate: p.WorkDate, At: s.clock.Now(), Method: MethodReview, Voids: p.ID, ActorID: a.UserID,
			Reason: strings.TrimSpace(in.Reason), Review: ReviewRejected}
		if in.Approve {
			r.Review = ReviewApproved
		}
		if err := s.appendPunch(tx, &r); err != nil {
			return err
		}
		if err := record(tx, a, "punch.review", "attendance_punch", p.ID, map[string]any{"review": r.Review}); err != nil {
			return err
		}
		// A punch that waited for approval now counts (approved) or never will
		// (rejected): its day is derived again.
		awaited := p.Review == ReviewAwaiting
		if awaited {
			p.NeedsApproval = true
			if _, err := s.recompute(tx, p.UserID, p.WorkDate); err != nil {
				return err
			}
		}
		p.Review = r.Review
		out = p
		return s.tellReviewed(tx, a, p, r, awaited)
	})
	return out, err
}

// tellReviewed tells the employee the decision on their field punch (bell,
// event stream, desktop notice), in the review's transaction. Deciding on
// one's own punch (a manager) tells nobody.
func (s *Service) tellReviewed(tx *gorm.DB, a identity.Actor, p, r Punch, awaited bool) error {
	if p.UserID == a.UserID {
		return nil
	}
	by := a.Name
	if u, err := loadUser(tx, a.UserID); err == nil {
		by = u.Name
	}
	return notify.Emit(tx, &notify.Event{Type: event.AttendanceFieldReviewed, SubjectType: "attendance_punch", SubjectID: p.ID,
		ActorID: a.UserID, Recipients: []string{p.UserID},
		Data: event.Data(event.AttendanceFieldReview{Title: p.At.In(s.loc).Format("2006-01-02 15:04"), Link: "/attendance",
			Date: p.WorkDate, Outcome: r.Review, Reason: r.Reason, By: by, Counted: awaited && r.Review == ReviewApproved})})
}

// Punches lists a person's punches between two dates (inclusive), with each
// field punch's latest review. Corrections and reviews are listed too, so
// the record is complete.
func (s *Service) Punches(ctx context.Context, a identity.Actor, userID, from, to string) ([]Punch, error) {
	if userID == "" {
		userID = a.UserID
	}
	if _, ok := s.parseDate(from); !ok {
		return nil, apperr.Invalid("attendance.invalid", "bad date").WithField("from", "invalid")
	}
	if _, ok := s.parseDate(to); !ok {
		return nil, apperr.Invalid("attendance.invalid", "bad date").WithField("to", "invalid")
	}
	db := s.db.WithContext(ctx)
	if err := s.canSee(db, a, userID); err != nil {
		return nil, err
	}
	var rows []Punch
	if err := db.Where("user_id = ? AND work_date >= ? AND work_date <= ?", userID, from, to).Order("seq").Limit(2000).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attendance: punches: %w", err)
	}
	latest := map[string]Punch{}
	for _, p := range rows {
		if p.Method == MethodReview {
			latest[p.Voids] = p
		}
	}
	for i := range rows {
		if r, ok := latest[rows[i].ID]; ok {
			rows[i].Review, rows[i].ReviewReason = r.Review, r.Reason
		}
	}
	return rows, nil
}

// Photo returns a field punch's photo to those who may see the punch.
func (s *Service) Photo(ctx context.Context, a identity.Actor, punchID string) ([]byte, error) {
	db := s.db.WithContext(ctx)
	var p Punch
	if err := db.Where("id = ?", punchID).Take(&p).Error; err != nil {
		return nil, notFound(err)
	}
	if err := s.canSee(db, a, p.UserID); err != nil {
		return nil, err
	}
	if p.PhotoID == "" {
		return nil, ErrNotFound
	}
	var ph photoRow
	if err := db.Where("id = ?", p.PhotoID).Take(&ph).Error; err != nil {
		return nil, notFound(err)
	}
	return ph.Content, nil
}

// headOf is the head of the nearest department up from the user's that is
// headed by someone else ("" when none).
func headOf(tx *gorm.DB, userID string) (string, error) {
	u, err := loadUser(tx, userID)
	if err != nil {
		return "", err
	}
	ds, err := departments(tx)
	if err != nil {
		return "", err
	}
	by := map[string]deptRow{}
	for _, d := range ds {
		by[d.ID] = d
	}
	for id, n := u.DepartmentID, 0; id != "" && n < 64; n++ {
		d, ok := by[id]
		if !ok {
			break
		}
		if d.HeadID != nil && *d.HeadID != "" && *d.HeadID != userID {
			return *d.HeadID, nil
		}
		if d.ParentID == nil {
			break
		}
		id = *d.ParentID
	}
	return "", nil
}
