package attendance

import "time"

// Shift is one working pattern (班次). Times are minutes from the work day's
// midnight; EndMin beyond 1440 crosses midnight (a night shift belongs to
// the day it starts).
type Shift struct {
	ID             string    `gorm:"primaryKey" json:"id"`
	Name           string    `json:"name"`
	StartMin       int       `json:"start_min"`
	EndMin         int       `json:"end_min"`
	BreakStartMin  int       `json:"break_start_min"`
	BreakEndMin    int       `json:"break_end_min"`
	EarliestInMin  int       `json:"earliest_in_min"`  // punches count from this long before the start
	LatestOutMin   int       `json:"latest_out_min"`   // ... until this long after the end
	GraceMin       int       `json:"grace_min"`        // this late is still on time
	FlexMin        int       `json:"flex_min"`         // 晚到晚走: arrive up to this late, leave as much later
	SeriousLateMin int       `json:"serious_late_min"` // late this long: serious late (0 never)
	AbsentLateMin  int       `json:"absent_late_min"`  // late this long: absent (0 never)
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Shift) TableName() string { return "attendance_shifts" }

func minutes(m int) time.Duration { return time.Duration(m) * time.Minute }

// Rule is the shift as the rules engine reads it.
func (s Shift) Rule() Rule {
	return Rule{Start: minutes(s.StartMin), End: minutes(s.EndMin), BreakStart: minutes(s.BreakStartMin), BreakEnd: minutes(s.BreakEndMin),
		EarliestIn: minutes(s.EarliestInMin), LatestOut: minutes(s.LatestOutMin), Grace: minutes(s.GraceMin), Flex: minutes(s.FlexMin),
		SeriousLate: minutes(s.SeriousLateMin), AbsentLate: minutes(s.AbsentLateMin)}
}

// Group is an attendance group (考勤组): who (members), which schedule and
// which shift each weekday.
type Group struct {
	ID           string   `gorm:"primaryKey" json:"id"`
	Name         string   `json:"name"`
	Schedule     string   `json:"schedule"`                           // fixed | free
	WeekShifts   []string `gorm:"serializer:json" json:"week_shifts"` // Monday..Sunday shift IDs; "" = rest
	FreeMinutes  int      `json:"free_minutes"`                       // free hours: minutes required a day
	IsDefault    bool     `json:"is_default"`                         // people in no other group
	FieldAllowed bool     `json:"field_allowed"`                      // field punches (外勤) allowed
	// PhotoPolicy: "suspicious" (default) asks for a photo only when a punch
	// looks off (suspicion.go); "always" asks for one on every punch.
	PhotoPolicy string `json:"photo_policy"`
	// FieldApproval: a field punch counts only once the head approves it.
	FieldApproval bool      `json:"field_approval"`
	Members       []Member  `gorm:"-" json:"members"` // loaded separately
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Group) TableName() string { return "attendance_groups" }

// Member kinds: a whole department (and those below, following org changes),
// one person, or a person excluded from the group.
const (
	MemberDepartment = "department"
	MemberUser       = "user"
	MemberExclude    = "exclude"
)

// Member is one membership rule of a group.
type Member struct {
	GroupID string `gorm:"primaryKey" json:"-"`
	Kind    string `gorm:"primaryKey" json:"kind"`
	RefID   string `gorm:"primaryKey;column:ref_id" json:"ref_id"`
}

// TableName keeps the table name stable.
func (Member) TableName() string { return "attendance_group_members" }

// Place is an office point with a fence radius, stored in WGS-84.
type Place struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	Lat       float64   `json:"lat"`
	Lng       float64   `json:"lng"`
	RadiusM   int       `gorm:"column:radius_m" json:"radius_m"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Place) TableName() string { return "attendance_places" }

// Network is an approved office network: client addresses as the server
// sees them (after the trusted-proxy rules).
type Network struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	CIDR      string    `gorm:"column:cidr" json:"cidr"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Network) TableName() string { return "attendance_networks" }

// Settings are the company-wide attendance rules.
type Settings struct {
	ID        int `gorm:"primaryKey" json:"-"`
	MakeupCap int `json:"makeup_cap"` // makeup punches per person per month
	// The days job (jobs.go): minutes before a shift / after it a person
	// who has not punched is reminded (0: never), and the hour of the
	// morning summary of yesterday's exceptions.
	RemindBefore int `gorm:"column:remind_before_min" json:"remind_before_min"`
	RemindAfter  int `gorm:"column:remind_after_min" json:"remind_after_min"`
	SummaryHour  int `json:"summary_hour"`
	CompileDay   int `json:"compile_day"`    // last month is compiled on this day of the month
	ConfirmByDay int `json:"confirm_by_day"` // heads confirm last month by this day
	// LeaveBalanceCheck refuses annual / 调休 requests beyond the balance
	// (balances.go). Off by default: Tack has no hire date, so seniority
	// counts from the account's creation and every long-serving employee
	// would start at the 5-day floor; the form shows the balance either way.
	LeaveBalanceCheck bool      `json:"leave_balance_check"`
	Version           int       `json:"version"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// TableName keeps the table name stable.
func (Settings) TableName() string { return "attendance_settings" }

// Punch methods.
const (
	MethodGPS        = "gps"        // browser geolocation inside a fence
	MethodNetwork    = "network"    // from an approved office network
	MethodField      = "field"      // outside every fence, with photo and note
	MethodMakeup     = "makeup"     // filled by an approved 补卡 request
	MethodCorrection = "correction" // an admin's correction
)

// Review states of a field punch.
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewRejected = "rejected"
	// ReviewAwaiting is a field punch that counts only once approved (the
	// group's FieldApproval); it stays in the record, out of the results.
	ReviewAwaiting = "awaiting"
)

// Punch is one raw punch: append-only. A correction is a new row (Method
// correction, ActorID, Reason) that may void an earlier one (Voids); a
// head's review of a field punch is a new row too (Method "review").
type Punch struct {
	ID         string    `gorm:"primaryKey" json:"id"`
	Seq        int64     `json:"seq"`
	UserID     string    `json:"user_id"`
	WorkDate   string    `json:"work_date"`
	At         time.Time `json:"at"`
	Method     string    `json:"method"`
	PlaceID    string    `json:"place_id,omitempty"`
	NetworkID  string    `json:"network_id,omitempty"`
	DistanceM  int       `gorm:"column:distance_m" json:"distance_m"`
	AccuracyM  int       `gorm:"column:accuracy_m" json:"accuracy_m"`
	Lat        *float64  `json:"lat,omitempty"` // field punches only
	Lng        *float64  `json:"lng,omitempty"`
	Note       string    `json:"note,omitempty"`
	PhotoID    string    `json:"photo_id,omitempty"`
	Review     string    `json:"review,omitempty"`
	Voids      string    `json:"voids,omitempty"`
	ApprovalID string    `json:"approval_id,omitempty"`
	ActorID    string    `json:"actor_id"`
	Reason     string    `json:"reason,omitempty"`
	// Checks are why a photo was asked for (suspicion.go), comma-separated;
	// not hashed: the photo row and PhotoID are.
	Checks string `json:"checks,omitempty"`
	// NeedsApproval: a field punch of a group with field approval, counted
	// only once approved (derived from the hashed Review "awaiting").
	NeedsApproval bool `gorm:"-" json:"needs_approval,omitempty"`
	// ReviewReason is the head's words with the latest review (listed
	// punches only; the review row holds them).
	ReviewReason string    `gorm:"-" json:"review_reason,omitempty"`
	PrevHash     string    `json:"prev_hash"`
	Hash         string    `json:"hash"`
	CreatedAt    time.Time `json:"created_at"`
}

// TableName keeps the table name stable.
func (Punch) TableName() string { return "attendance_punches" }

// MethodReview marks a row that records a head's decision on a field punch
// (Voids names the field punch, Review the outcome); it is not a punch.
const MethodReview = "review"

// Day is one person's materialised daily result.
type Day struct {
	UserID          string     `gorm:"primaryKey" json:"user_id"`
	WorkDate        string     `gorm:"primaryKey" json:"work_date"`
	GroupID         string     `json:"group_id"`
	ShiftID         string     `json:"shift_id"`
	DayType         string     `json:"day_type"`
	Status          string     `json:"status"`
	Flags           []string   `gorm:"serializer:json" json:"flags"`
	LateMinutes     int        `json:"late_minutes"`
	EarlyMinutes    int        `json:"early_minutes"`
	WorkedMinutes   int        `json:"worked_minutes"`
	OvertimeMinutes int        `json:"overtime_minutes"`
	LeaveType       string     `json:"leave_type"`
	LeaveMinutes    int        `json:"leave_minutes"`
	LeaveHalfDays   int        `json:"leave_half_days"`
	FirstIn         *time.Time `json:"first_in"`
	LastOut         *time.Time `json:"last_out"`
	ComputedAt      time.Time  `json:"computed_at"`
}

// TableName keeps the table name stable.
func (Day) TableName() string { return "attendance_days" }

// excuseRow is an approved interval copied from approvals.
type excuseRow struct {
	ApprovalID string `gorm:"primaryKey"`
	UserID     string
	Kind       string
	LeaveType  string
	StartAt    time.Time `gorm:"primaryKey"`
	EndAt      time.Time
}

func (excuseRow) TableName() string { return "attendance_excuses" }

type photoRow struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	Content   []byte
	Size      int
	Sha256    string `gorm:"column:sha256"`
	CreatedAt time.Time
}

func (photoRow) TableName() string { return "attendance_photos" }

// PunchRequest is an office punch from a phone (Lat/Lng/Accuracy from the
// browser's geolocation) or from the office network (no position).
type PunchRequest struct {
	Lat      *float64 `json:"lat"`
	Lng      *float64 `json:"lng"`
	Accuracy *float64 `json:"accuracy"`
	// Device is the browser's random install ID (a new one on a known
	// person asks for a photo); Mock is the client's hint that the position
	// may be simulated. Photo answers attendance.photo_needed.
	Device   string `json:"device"`
	Mock     bool   `json:"mock"`
	Photo    []byte `json:"-"`
	ClientIP string `json:"-"` // as the server sees it (api fills it)
}

// FieldPunchRequest is a field punch (外勤): position, a note and a JPEG.
type FieldPunchRequest struct {
	Lat      float64 `json:"lat"`
	Lng      float64 `json:"lng"`
	Accuracy float64 `json:"accuracy"`
	Note     string  `json:"note"`
	Photo    []byte  `json:"-"`
}

// CorrectionRequest is an admin's correction: a punch added for someone
// (At set), or an earlier punch voided (Voids set), always with a reason.
type CorrectionRequest struct {
	UserID string     `json:"user_id"`
	At     *time.Time `json:"at"`
	Voids  string     `json:"voids"`
	Reason string     `json:"reason"`
}

// ReviewRequest is a head's decision on a field punch.
type ReviewRequest struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason"`
}

// PlaceRequest creates or edits a place. Coords "gcj02" converts the
// pasted position from a Chinese map app to WGS-84 once, before storing.
type PlaceRequest struct {
	Name    string  `json:"name"`
	Lat     float64 `json:"lat"`
	Lng     float64 `json:"lng"`
	Coords  string  `json:"coords"` // "wgs84" (default) | "gcj02"
	RadiusM int     `json:"radius_m"`
	Version int     `json:"version"`
}
