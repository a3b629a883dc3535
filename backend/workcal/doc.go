// Package workcal is the company working calendar: the working weekdays and
// hours, public holidays and make-up working days (调休), in the company time
// zone. It is the one calendar every domain reads — approval SLAs and leave
// days, notification escalation ("never at night"), meeting find-a-time, and
// the attendance and report domains to come — so they all agree on when the
// company works.
//
// Calendar is a plain value with the pure maths (is this a working day, the
// working window of a day, working time between two instants, add N working
// hours, the next working moment). Service stores it (tables
// approval_calendar_settings and approval_calendar_days: the names predate
// this package and are kept so no data moves) and lets admins edit it; every
// edit is audited. workcal imports no domain package (org imports notify and
// notify reads the calendar); the editor is an identity.Actor like
// everywhere else.
package workcal
