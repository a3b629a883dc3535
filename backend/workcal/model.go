package workcal

import "time"

// Day overrides the working week for one date: a holiday (Working false)
// or a make-up working day 调休 (Working true).
type Day struct {
	Date      string    `gorm:"primaryKey" json:"date"` // YYYY-MM-DD in the company zone
	Working   bool      `json:"working"`
	Note      string    `json:"note"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table the approvals domain created (no data moves).
func (Day) TableName() string { return "approval_calendar_days" }

// Settings is the working week and hours (one row, id 1).
type Settings struct {
	ID        int       `gorm:"primaryKey" json:"-"`
	WorkDays  []int     `gorm:"serializer:json" json:"work_days"`
	WorkStart string    `json:"work_start"` // "09:00"
	WorkEnd   string    `json:"work_end"`   // "18:00"
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table the approvals domain created (no data moves).
func (Settings) TableName() string { return "approval_calendar_settings" }

// View is the calendar as the API shows it.
type View struct {
	TimeZone  string `json:"time_zone"`
	WorkStart string `json:"work_start"`
	WorkEnd   string `json:"work_end"`
	WorkDays  []int  `json:"work_days"` // ISO weekdays, Monday = 1
	Days      []Day  `json:"days"`
}

// Range marks every date from Start to End (at most 62 days) as a holiday
// or a make-up working day, e.g. the National Day week.
type Range struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Working bool   `json:"working"`
	Note    string `json:"note"`
}
