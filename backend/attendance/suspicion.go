package attendance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/store"
)

// Privacy by default (issue 16): an ordinary punch inside a fence or from
// the office network asks for no photo. A photo is asked for only when
// something looks off, or on every punch when the group says so. The
// server decides: a punch that needs one and has none is refused with
// attendance.photo_needed and the reasons, and the page asks for a photo
// and sends the punch again with it.

// Photo policies of a group.
const (
	PhotoSuspicious = "suspicious"
	PhotoAlways     = "always"
)

// Reasons a photo is asked for (Punch.Checks).
const (
	CheckAlways    = "always"     // the group asks for one on every punch
	CheckEdge      = "edge"       // the fix's uncertainty reaches outside the fence
	CheckNewDevice = "new_device" // a browser this person never punched from
	CheckMock      = "mock"       // the client hints at a simulated position, or the fix is implausibly exact
)

// ErrPhotoNeeded refuses a punch that looks off until it carries a photo;
// Fields["reasons"] lists why (the Check* values, comma-separated).
var ErrPhotoNeeded = apperr.Invalid("attendance.photo_needed", "this punch needs a photo")

// minPlausibleAccuracyM: phones report a few metres at best; a fix claiming
// less is typical of a location simulator.
const minPlausibleAccuracyM = 1.0

func deviceHash(userID, device string) string {
	h := sha256.Sum256([]byte(userID + "\n" + device))
	return hex.EncodeToString(h[:])
}

type deviceRow struct {
	UserID     string `gorm:"primaryKey"`
	DeviceHash string `gorm:"primaryKey"`
	CreatedAt  time.Time
}

func (deviceRow) TableName() string { return "attendance_devices" }

// suspicions lists why a punch p (method set, place matched) looks off,
// and whether its device is already known (then it need not be remembered).
func suspicions(tx *gorm.DB, g *Group, p *Punch, in PunchRequest, radiusM int) (why []string, knownDevice bool, err error) {
	if g != nil && g.PhotoPolicy == PhotoAlways {
		why = append(why, CheckAlways)
	}
	if p.Method != MethodGPS {
		return why, false, nil // the office network is the office: no position to doubt
	}
	if float64(p.DistanceM)+*in.Accuracy > float64(radiusM) {
		why = append(why, CheckEdge)
	}
	if in.Mock || *in.Accuracy < minPlausibleAccuracyM {
		why = append(why, CheckMock)
	}
	// A new device only counts for someone who already punched from another:
	// the first phone is simply remembered.
	var known []string
	if err := tx.Model(&deviceRow{}).Where("user_id = ?", p.UserID).Limit(50).Pluck("device_hash", &known).Error; err != nil {
		return nil, false, fmt.Errorf("attendance: devices: %w", err)
	}
	knownDevice = in.Device != "" && slices.Contains(known, deviceHash(p.UserID, in.Device))
	if len(known) > 0 && !knownDevice {
		why = append(why, CheckNewDevice)
	}
	return why, knownDevice, nil
}

// storePhoto strips the JPEG's metadata and keeps it; the ID goes on the punch.
func storePhoto(tx *gorm.DB, userID string, photo []byte, now time.Time) (string, error) {
	if len(photo) > MaxPhotoBytes {
		return "", ErrPhotoInvalid
	}
	clean, ok := StripJPEG(photo)
	if !ok {
		return "", ErrPhotoInvalid
	}
	return insertPhoto(tx, userID, clean, now)
}

// insertPhoto keeps a photo already stripped of its metadata.
func insertPhoto(tx *gorm.DB, userID string, clean []byte, now time.Time) (string, error) {
	sum := sha256.Sum256(clean)
	ph := photoRow{ID: store.NewID(), UserID: userID, Content: clean, Size: len(clean), Sha256: hex.EncodeToString(sum[:]), CreatedAt: now}
	if err := tx.Create(&ph).Error; err != nil {
		return "", fmt.Errorf("attendance: photo: %w", err)
	}
	return ph.ID, nil
}

func photoNeeded(why []string) error {
	e := ErrPhotoNeeded.WithField("photo", "required")
	e.Fields["reasons"] = strings.Join(why, ",")
	return e
}
