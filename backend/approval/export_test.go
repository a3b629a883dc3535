package approval

// Retitle exposes the title backfill migration to the tests.
var Retitle = retitle

// LeaveWorkingDays exposes the leave template upgrade migration to the tests.
var LeaveWorkingDays = leaveWorkingDays
