// Typed calls for the meetings API (see backend/api/meeting_handlers.go).
import { api, type Page } from './client'

export interface Room { id: string; name: string; capacity: number; location: string; equipment: string[]; version: number }
export interface Attendee { user_id: string; response: 'pending' | 'accepted' | 'declined' | 'tentative' }
export interface Exception { original_start: string; cancelled: boolean; start: string; end: string }
export interface Meeting {
  id: string; title: string; organizer_id: string; minute_taker_id: string; room_id: string; place: string
  online_url: string; agenda: string; attachments: string[]; time_zone: string; start: string; end: string
  rrule: string; reminder_minutes: number; status: string; version: number; attendees: Attendee[]; exceptions: Exception[]
}
export interface Occurrence {
  meeting_id: string; original_start: string; start: string; end: string; title: string; room_id: string
  recurring: boolean; moved: boolean; busy_only: boolean; response?: string
}
export interface Warning {
  code: 'attendee_busy' | 'attachment_not_shared'; user_id?: string; meeting_id?: string; start?: string; end?: string; attachment?: string
}
export interface SaveResult { meeting: Meeting; warnings: Warning[] }
export interface Interval { start: string; end: string }
export interface FreeBusy { users: Record<string, Interval[]>; rooms: Record<string, Interval[]> }
export interface Suggestion { start: string; end: string; room_id?: string; room_name?: string; capacity?: number }
export interface ActionItem { title: string; owner_id: string; due: string; task_id?: string }
export interface Minutes {
  meeting_id: string; occurrence_start: string; present: string[]; absent: string[]; discussion: string
  decisions: string[]; action_items: ActionItem[]; status: 'draft' | 'published'; document_id: string; version: number
}
export interface Task { id: string; owner_id: string; title: string; due: string; status: 'open' | 'done'; meeting_id: string; version: number; overdue: boolean }
export interface FeedStatus { active: boolean; created_at: string | null; last_used_at: string | null }
export interface UserLite { id: string; name: string; email: string; department_id: string; title: string }

export interface MeetingInput {
  title: string; start: string; end: string; time_zone: string; room_id: string; place: string; online_url: string
  attendee_ids: string[]; minute_taker_id: string; agenda: string; attachments: string[]; rrule: string
  reminder_minutes: number; version?: number
}

export const meetingsApi = {
  rooms: () => api.get<Page<Room>>('/api/v1/rooms').then((p) => p.items),
  createRoom: (r: Partial<Room>) => api.post<Room>('/api/v1/rooms', r),
  updateRoom: (id: string, r: Partial<Room> & { version: number }) => api.patch<Room>('/api/v1/rooms/' + id, r),
  deleteRoom: (id: string) => api.del<void>('/api/v1/rooms/' + id),
  list: (from: string, to: string, roomId = '', userId = '') => {
    const q = new URLSearchParams({ from, to })
    if (roomId) q.set('room_id', roomId)
    if (userId) q.set('user_id', userId)
    return api.get<Page<Occurrence>>('/api/v1/meetings?' + q.toString()).then((p) => p.items)
  },
  get: (id: string) => api.get<Meeting>('/api/v1/meetings/' + id),
  create: (m: MeetingInput) => api.post<SaveResult>('/api/v1/meetings', m),
  update: (id: string, m: MeetingInput) => api.patch<SaveResult>('/api/v1/meetings/' + id, m),
  cancel: (id: string, version: number) => api.del<Meeting>(`/api/v1/meetings/${id}?version=${version}`),
  editOccurrence: (id: string, body: { original_start: string; start?: string; end?: string; cancelled?: boolean }) =>
    api.post<SaveResult>(`/api/v1/meetings/${id}/occurrences`, body),
  rsvp: (id: string, response: string) => api.post<Meeting>(`/api/v1/meetings/${id}/rsvp`, { response }),
  minutes: (id: string, occurrence = '') =>
    api.get<Minutes>(`/api/v1/meetings/${id}/minutes` + (occurrence ? '?occurrence=' + encodeURIComponent(occurrence) : '')),
  saveMinutes: (id: string, m: Partial<Minutes>) => api.put<Minutes>(`/api/v1/meetings/${id}/minutes`, m),
  publishMinutes: (id: string, version: number, occurrence_start?: string) =>
    api.post<Minutes>(`/api/v1/meetings/${id}/minutes/publish`, { version, occurrence_start }),
  freeBusy: (users: string[], rooms: string[], from: string, to: string) =>
    api.get<FreeBusy>(`/api/v1/freebusy?users=${users.join(',')}&rooms=${rooms.join(',')}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  findTime: (body: { attendee_ids: string[]; duration_minutes: number; from: string; to: string; min_capacity?: number; time_zone: string; no_room?: boolean; limit?: number }) =>
    api.post<Page<Suggestion>>('/api/v1/meetings/find-time', body).then((p) => p.items),
  tasks: (status = '', mine = true) => api.get<Page<Task>>(`/api/v1/tasks?status=${status}&mine=${mine ? 1 : 0}&limit=200`).then((p) => p.items),
  updateTask: (id: string, body: Partial<Task> & { version: number }) => api.patch<Task>('/api/v1/tasks/' + id, body),
  calendarToken: () => api.post<{ token: string; path: string }>('/api/v1/calendar/token', {}),
  feedStatus: () => api.get<FeedStatus>('/api/v1/calendar/token'),
  revokeFeed: () => api.del<void>('/api/v1/calendar/token'),
  user: (id: string) => api.get<UserLite>('/api/v1/users/' + id),
  users: (q = '') => api.get<Page<UserLite>>(`/api/v1/users?limit=200&q=${encodeURIComponent(q)}`).then((p) => p.items),
}

