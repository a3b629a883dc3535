// The company working calendar (admin settings page).
export default {
  tab: 'Working calendar',
  title: 'Working calendar',
  intro: 'Approval time limits, notification escalation, meeting find-a-time, attendance and reports all count working days and hours by this calendar (time zone {tz}).',
  week: 'Working week', hours: 'Hours', saveWeek: 'Save working week', saved: 'Working week saved',
  weekday: { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' },
  special: 'Holidays and make-up days', holiday: 'Holiday', makeup: 'Make-up working day', note: 'Note', notePlaceholder: 'Note, e.g. National Day', add: 'Add',
  start: 'Start date', end: 'End date', remove: 'Remove',
  date: 'Date', kind: 'Kind', empty: 'No special days this year', count: 'Holidays: {h}; make-up working days: {m}',
  field: { required: 'Pick at least one day', invalid: 'Invalid', before_start: 'The day must end after it starts', too_large: 'At most 62 days at once', too_long: 'The note is too long' },
}

export const errors = {
  workcal: {
    forbidden: 'Only an administrator may change the working calendar',
    invalid_week: 'Check the working week',
    invalid_day: 'Check the dates',
  },
}
