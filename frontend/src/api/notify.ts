// Typed calls for notifications, DING and announcements (backend/api/notify_handlers.go).
import { api, type Page } from './client'
import type { DingContent } from './events.gen'

export interface Notification {
  id: string; user_id: string; event_id: number; type: string; subject_type: string; subject_id: string
  actor_id: string; title: string; body: string; link: string; data: Record<string, unknown>
  read_at: string | null; created_at: string
}
export interface DingReceipt { user_id: string; name: string; acked_at: string | null }
export interface Ding {
  id: string; sender_id: string; sender_name: string; message: string; subject_type: string; subject_id: string
  auto: boolean; created_at: string; receipts: DingReceipt[]; acked_at?: string | null; receiver: boolean
  content?: DingContent | null // set on the DINGs Tack writes itself (backend/event)
}
export interface Announcement {
  id: string; title: string; body: string; format: 'markdown' | 'plain'; require_ack: boolean; everyone: boolean
  department_ids: string[]; publisher_id: string; publisher_name: string; created_at: string
  read_at: string | null; acked_at: string | null
}
export interface AnnouncementReceipt { user_id: string; name: string; read_at: string | null; acked_at: string | null }
export interface Receipts { read: AnnouncementReceipt[]; acknowledged: AnnouncementReceipt[]; not_yet: AnnouncementReceipt[] }
export interface TackEvent {
  id: number; type: string; subject_type: string; subject_id: string; actor_id: string
  data: Record<string, unknown>; created_at: string
}
export interface UserLite { id: string; name: string; email: string; department_id: string }
export interface Department { id: string; name: string; parent_id: string | null }
export interface EmailSettings {
  enabled: boolean; host: string; port: number; security: '' | 'starttls' | 'tls' | 'none'; user: string; password: string; from: string
  site_url: string; password_set: boolean
}

export const notifyApi = {
  list: (unread = false, cursor = '', limit = 20) =>
    api.get<Page<Notification>>(`/api/v1/notifications?unread=${unread ? 1 : 0}&limit=${limit}&cursor=${encodeURIComponent(cursor)}`),
  unreadCount: () => api.get<{ count: number }>('/api/v1/notifications/unread-count').then((r) => r.count),
  read: (id: string) => api.post<Notification>(`/api/v1/notifications/${id}/read`, {}),
  readAll: () => api.post<{ marked: number }>('/api/v1/notifications/read-all', {}),

  sendDing: (recipients: string[], message: string, subject_type = '', subject_id = '') =>
    api.post<Ding>('/api/v1/ding', { recipients, message, subject_type, subject_id }),
  dings: (box: 'sent' | 'received') => api.get<Page<Ding>>(`/api/v1/ding?box=${box}`).then((p) => p.items),
  ding: (id: string) => api.get<Ding>(`/api/v1/ding/${id}`),
  ackDing: (id: string) => api.post<Ding>(`/api/v1/ding/${id}/ack`, {}),

  announcements: () => api.get<Page<Announcement>>('/api/v1/announcements').then((p) => p.items),
  canPublish: () => api.get<{ can_publish: boolean }>('/api/v1/announcements/can-publish').then((r) => r.can_publish),
  announcement: (id: string) => api.get<{ announcement: Announcement; can_manage: boolean }>(`/api/v1/announcements/${id}`),
  publish: (a: { title: string; body: string; format: string; require_ack: boolean; everyone: boolean; department_ids: string[] }) =>
    api.post<Announcement>('/api/v1/announcements', a),
  markRead: (id: string) => api.post<Announcement>(`/api/v1/announcements/${id}/read`, {}),
  ack: (id: string) => api.post<Announcement>(`/api/v1/announcements/${id}/ack`, {}),
  receipts: (id: string) => api.get<Receipts>(`/api/v1/announcements/${id}/receipts`),
  remind: (id: string) => api.post<Ding>(`/api/v1/announcements/${id}/remind`, {}),

  emailSettings: () => api.get<EmailSettings>('/api/v1/settings/email'),
  setEmailSettings: (s: EmailSettings) => api.put<EmailSettings>('/api/v1/settings/email', s),
  testEmail: (s: EmailSettings) => api.post<void>('/api/v1/settings/email/test', s),
  user: (id: string) => api.get<UserLite>('/api/v1/users/' + id),
  users: (q = '') => api.get<Page<UserLite>>(`/api/v1/users?limit=50&q=${encodeURIComponent(q)}`).then((p) => p.items),
  departments: () => api.get<Page<Department>>('/api/v1/departments').then((p) => p.items),
}
