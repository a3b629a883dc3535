// Package attendance holds attendance (考勤): groups, shifts, places and
// office networks, the raw punches, and the daily results derived from them.
//
// Facts and results:
//   - office punches are written in batches (punch_batch.go): each request
//     does its reads concurrently, then the punches queued while a batch is
//     written go in the next one, chained in queue order with one head
//     update and their days derived in one pass;
//   - punches are append-only (attendance_punches): a correction is a new
//     row with its actor and reason that may void an earlier one, never an
//     UPDATE. Every row is chained by hash (previous hash, actor, reason,
//     content; chain.go) and each company day gets a checkpoint of the
//     chain's head; VerifyChain (`tack admin verify`) recomputes the chain
//     and names the first row that does not match;
//   - daily results (attendance_days) are derived, never typed: Evaluate
//     (rules.go) is a pure function of the day's shift, punches, excused
//     intervals (approved leave, business trips, outings) and the day type
//     from the company calendar (workcal). They are recomputed when a punch
//     or correction lands and when an approval covering the day finishes
//     (approvals.go, called in approval's transaction); the days job
//     (jobs.go, every minute under store.WithJobLock) materialises every
//     active person's days and derives them again once their punch window
//     has closed, so absent and missing_punch appear without a page being
//     opened; it sends the punch reminders (attendance.reminder) and the
//     morning summary of yesterday's exceptions (attendance.summary), each
//     once, guarded by a marker in attendance_job_marks;
//   - an office punch stores the matched place or network and the distance,
//     never a trail; a field punch (外勤) stores its coordinates, a note and a
//     photo whose EXIF/APP segments are stripped (photo.go) before it is
//     kept in attendance_photos (in the database: personal data that lives
//     and is backed up with the punch, not a drive file the employee could
//     share or the drive's GC could keep).
//
// Who may do what (checked here, not only in the UI):
//   - everyone punches for themselves and reads their own punches and days;
//   - a department head reads and reviews field punches of the people in
//     the departments they head (and below) and sees their team board;
//   - administrators and the attendance-admin role (RoleAttendanceAdmin)
//     read everyone, manage groups, shifts, places, networks and settings,
//     and correct punches; every such change is in the audit log.
//
// Error keys (errors.go): attendance.not_found, attendance.forbidden,
// attendance.admin_only, attendance.invalid, attendance.stale_version,
// attendance.accuracy_too_poor, attendance.outside_fence,
// attendance.no_office_network, attendance.no_group, attendance.photo_required,
// attendance.photo_invalid, attendance.makeup_cap_reached,
// attendance.makeup_not_needed.
package attendance
