// Typed calls for attendance (backend/api/attendance_handlers.go, backend/attendance/API.md):
// everyone punches and reads their own days; heads see their team's board;
// administrators and attendance admins manage groups, shifts, places and networks.
import { api, type Page } from './client'

export interface Shift {
  id: string; name: string; start_min: number; end_min: number; break_start_min: number; break_end_min: number
  earliest_in_min: number; latest_out_min: number; grace_min: number; flex_min: number; serious_late_min: number; absent_late_min: number
  version: number
}
export interface GroupMember { kind: 'department' | 'user' | 'exclude'; ref_id: string }
export interface Group {
  id: string; name: string; schedule: 'fixed' | 'free' | 'rota'; week_shifts: string[]; free_minutes: number
  is_default: boolean; field_allowed: boolean; members: GroupMember[]; version: number
  /** suspicious: a photo only when a punch looks off; always: on every punch. */
  photo_policy: 'suspicious' | 'always'
  /** A field punch counts only once the head approves it. */
  field_approval: boolean
}
export interface Place { id: string; name: string; lat: number; lng: number; radius_m: number; version: number }
export interface PlaceInput { name: string; lat: number; lng: number; coords: 'wgs84' | 'gcj02'; radius_m: number; version?: number }
export interface Network { id: string; name: string; cidr: string; version: number }
export interface Settings {
  makeup_cap: number; remind_before_min: number; remind_after_min: number; summary_hour: number
  compile_day: number; confirm_by_day: number; leave_balance_check: boolean; version: number
}
/** Why the server asked for a photo (backend/attendance/suspicion.go). */
export type PhotoCheck = 'always' | 'edge' | 'new_device' | 'mock'
export interface LeaveYear { year: number; half_days: number; hours: number; left_hours: number; over: boolean }
export interface LeaveQuote { leave_type: string; half_days: number; hours: number; left_hours: number; over: boolean; years?: LeaveYear[] }
export interface Balance {
  year: number; seniority_years: number; annual_half_days: number; annual_used_half_days: number; annual_left_half_days: number
  overtime_minutes: number; comp_used_minutes: number; comp_left_minutes: number; comp_left_half_days: number
  check: boolean; request?: LeaveQuote
}
export interface LeavePeriod { start: string; end: string; start_half?: string; end_half?: string }
export interface Punch {
  id: string; seq: number; user_id: string; work_date: string; at: string
  method: 'gps' | 'network' | 'field' | 'makeup' | 'correction' | 'review'
  place_id?: string; network_id?: string; distance_m: number; accuracy_m: number; lat?: number; lng?: number
  note?: string; photo_id?: string; review?: 'pending' | 'approved' | 'rejected' | 'awaiting'; review_reason?: string; voids?: string; actor_id: string; reason?: string
  checks?: string; needs_approval?: boolean
}
export type DayStatus = 'normal' | 'late' | 'serious_late' | 'early_leave' | 'missing_punch' | 'absent' | 'on_leave'
  | 'business_trip' | 'outing' | 'rest' | 'holiday' | 'pending'
export interface Day {
  user_id: string; work_date: string; day_type: 'work' | 'rest' | 'holiday'; status: DayStatus; flags: string[]
  late_minutes: number; early_minutes: number; worked_minutes: number; overtime_minutes: number
  leave_type: string; leave_minutes: number; leave_half_days: number; first_in: string | null; last_out: string | null
}
export interface Today {
  date: string; group: Group | null; shift: Shift | null; day_type: string; day: Day; punches: Punch[]; places: { id: string; name: string }[]
  makeup_cap: number; makeup_used: number; makeup_left: number; field_allowed: boolean
}
export interface PunchResult { punch: Punch; day: Day }
export interface BoardRow { user_id: string; name: string; department_id: string; day: Day; punches: Punch[] }
export interface Board { date: string; counts: Record<string, number>; rows: BoardRow[] }
export interface Position { lat: number; lng: number; accuracy: number }
/** A punch's extras: the browser's install ID, and a photo when the server asked for one. */
export interface PunchExtras { device?: string; photo?: Blob | null }
export interface MonthReport {
  department_id: string; month: string; name: string; status: 'open' | 'returned' | 'confirmed'; due_on: string; comment: string
  confirmed_by: string; confirmed_at: string | null; chain_seq: number; chain_hash: string; version: number
}
export interface MonthRow {
  user_id: string; name: string; days_due: number; days_worked: number; late_count: number; late_minutes: number
  early_count: number; early_minutes: number; missing_count: number; absent_days: number; field_days: number
  leave_minutes: Record<string, number>; overtime_minutes: number; makeup_used: number
}
export interface MonthSheet { report: MonthReport; rows: MonthRow[]; locked: boolean; can_decide: boolean }

const base = '/api/v1/attendance'

export const attendanceApi = {
  today: () => api.get<Today>(base + '/today'),
  punch: (pos: Position | null, extra: PunchExtras = {}) => {
    if (!extra.photo) return api.post<PunchResult>(base + '/punches', { ...(pos ?? {}), device: extra.device ?? '' })
    const f = new FormData()
    if (pos) {
      f.append('lat', String(pos.lat))
      f.append('lng', String(pos.lng))
      f.append('accuracy', String(pos.accuracy))
    }
    f.append('device', extra.device ?? '')
    f.append('photo', extra.photo, 'photo.jpg')
    return api.post<PunchResult>(base + '/punches', f)
  },
  balance: (leaveType = '', period: LeavePeriod | null = null) => {
    if (!leaveType || !period) return api.get<Balance>(base + '/balance')
    const q = new URLSearchParams({ leave_type: leaveType, start: period.start, end: period.end })
    if (period.start_half) q.set('start_half', period.start_half)
    if (period.end_half) q.set('end_half', period.end_half)
    return api.get<Balance>(base + '/balance?' + q.toString())
  },
  fieldPunch: (pos: Position, note: string, photo: Blob) => {
    const f = new FormData()
    f.append('lat', String(pos.lat))
    f.append('lng', String(pos.lng))
    f.append('accuracy', String(pos.accuracy))
    f.append('note', note)
    f.append('photo', photo, 'photo.jpg')
    return api.post<PunchResult>(base + '/punches/field', f)
  },
  punches: (from: string, to: string, user = '') =>
    api.get<Page<Punch>>(`${base}/punches?from=${from}&to=${to}` + (user ? '&user=' + encodeURIComponent(user) : '')),
  photoUrl: (punchId: string) => `${base}/punches/${encodeURIComponent(punchId)}/photo`,
  review: (punchId: string, approve: boolean, reason = '') => api.post<Punch>(`${base}/punches/${encodeURIComponent(punchId)}/review`, { approve, reason }),
  days: (month: string, user = '') => api.get<Page<Day>>(`${base}/days?month=${month}` + (user ? '&user=' + encodeURIComponent(user) : '')),
  board: (department = '', date = '') => api.get<Board>(`${base}/board?department=${encodeURIComponent(department)}&date=${date}`),
  settings: () => api.get<Settings>(base + '/settings'),
  setSettings: (s: Settings) => api.put<Settings>(base + '/settings', s),
  shifts: () => api.get<Page<Shift>>(base + '/shifts'),
  saveShift: (s: Partial<Shift>) => s.id ? api.put<Shift>(`${base}/shifts/${s.id}`, s) : api.post<Shift>(base + '/shifts', s),
  deleteShift: (id: string) => api.del<void>(`${base}/shifts/${id}`),
  groups: () => api.get<Page<Group>>(base + '/groups'),
  saveGroup: (g: Partial<Group>) => g.id ? api.put<Group>(`${base}/groups/${g.id}`, g) : api.post<Group>(base + '/groups', g),
  deleteGroup: (id: string) => api.del<void>(`${base}/groups/${id}`),
  places: () => api.get<Page<Place>>(base + '/places'),
  savePlace: (p: PlaceInput, id = '') => id ? api.put<Place>(`${base}/places/${id}`, p) : api.post<Place>(base + '/places', p),
  deletePlace: (id: string) => api.del<void>(`${base}/places/${id}`),
  networks: () => api.get<Page<Network>>(base + '/networks'),
  saveNetwork: (n: Partial<Network>) => n.id ? api.put<Network>(`${base}/networks/${n.id}`, n) : api.post<Network>(base + '/networks', n),
  deleteNetwork: (id: string) => api.del<void>(`${base}/networks/${id}`),
  months: (month: string) => api.get<Page<MonthReport>>(`${base}/months?month=${month}`),
  monthSheet: (dept: string, month: string) => api.get<MonthSheet>(`${base}/months/${encodeURIComponent(dept)}/${month}`),
  confirmMonth: (dept: string, month: string, version: number) =>
    api.post<MonthReport>(`${base}/months/${encodeURIComponent(dept)}/${month}/confirm`, { version }),
  returnMonth: (dept: string, month: string, version: number, comment: string) =>
    api.post<MonthReport>(`${base}/months/${encodeURIComponent(dept)}/${month}/return`, { version, comment }),
  monthExportUrl: (dept: string, month: string, lang: string) =>
    `${base}/months/${encodeURIComponent(dept)}/${month}/export?lang=${encodeURIComponent(lang)}`,
}
