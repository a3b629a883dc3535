// Typed calls for chat (backend/api/chat_handlers.go, backend/chat/API.md):
// conversations, messages by sequence number, read watermarks and receipts.
import { api, uploadWithProgress } from './client'

export type ConversationKind = 'direct' | 'all_staff' | 'department' | 'project' | 'temporary'
export type Role = 'owner' | 'admin' | 'member'
export type Policy = 'all' | 'admins'

export interface Member {
  conversation_id: string; user_id: string; name: string; role: Role
  read_seq: number; joined_seq: number; muted: boolean; pinned: boolean; joined_at: string
}

export interface Quote { id: string; seq: number; sender_id: string; sender_name: string; body: string; recalled: boolean }

/** The file of a file or image message: in the drive; an image has a server-made thumbnail. */
export interface FileRef { id: string; name: string; size: number; thumb_id?: string; width?: number; height?: number }

/** MaxFileBytes is the server's per-file limit (backend/chat/files.go DefaultMaxFileBytes). */
export const MaxFileBytes = 100 << 20

export interface Message {
  id: string; conversation_id: string; seq: number; sender_id: string; sender_name: string; client_key: string
  kind: string; body: string; mentions: string[]; mention_all: boolean; reply_to_id: string; reply?: Quote
  forwarded_from_id: string; file?: FileRef; edited_at: string | null; recalled_at: string | null; recalled_by: string; created_at: string
  /** Members (besides the sender) who have not read it; on one's own messages, else -1. */
  unread: number
}

export interface Conversation {
  id: string; kind: ConversationKind; name: string; title: string; peer_id?: string; owner_id: string
  department_id: string; include_sub: boolean; post_policy: Policy; add_policy: Policy
  last_seq: number; last_message_at: string | null; archived_at: string | null; version: number; created_at: string
  my_role: Role; muted: boolean; pinned: boolean; read_seq: number; unread: number; member_count: number
  last?: Message; members?: Member[]
  /** The group announcement (群公告): "" none; read by version. */
  announcement: string; announcement_by: string; announcement_at: string | null; announcement_version: number
  announcement_unread: boolean; announcement_by_name?: string
}

export interface AnnouncementReceipts { announcement_version: number; read: Person[]; unread: Person[] }
export interface FoundConversation {
  id: string; kind: string; title: string; member_count: number; members: { id: string; name: string }[]
  last_seq: number; last_message_at: string | null; archived_at: string | null; created_at: string
}
export interface ChatSettings { retention_days: number; version: number; updated_by: string; updated_at: string | null }

export interface Person { id: string; name: string }
export interface Receipts { message_id: string; seq: number; read: Person[]; unread: Person[] }
export interface MessagePage { items: Message[]; more: boolean; newer?: boolean }
export interface SearchQuery { q: string; conversation_id?: string; sender_id?: string; from?: string; to?: string }
export interface SendBody { client_key: string; body: string; mentions?: string[]; mention_all?: boolean; reply_to_id?: string }
export interface GroupPatch { name?: string; post_policy?: Policy; add_policy?: Policy; include_sub?: boolean; version: number }

const c = (id: string) => '/api/v1/chat/conversations/' + id
const m = (id: string) => '/api/v1/chat/messages/' + id

export const chatApi = {
  conversations: () => api.get<{ items: Conversation[] }>('/api/v1/chat/conversations').then((p) => p.items),
  conversation: (id: string) => api.get<Conversation>(c(id)),
  direct: (userId: string) => api.post<Conversation>('/api/v1/chat/direct', { user_id: userId }),
  createGroup: (kind: 'project' | 'temporary', name: string, memberIds: string[]) =>
    api.post<Conversation>('/api/v1/chat/conversations', { kind, name, member_ids: memberIds }),
  unread: () => api.get<{ total: number }>('/api/v1/chat/unread').then((u) => u.total),
  update: (id: string, patch: GroupPatch) => api.patch<Conversation>(c(id), patch),
  mine: (id: string, s: { muted?: boolean; pinned?: boolean }) => api.put<Conversation>(c(id) + '/mine', s),
  addMembers: (id: string, userIds: string[]) => api.post<Conversation>(c(id) + '/members', { user_ids: userIds }),
  removeMember: (id: string, userId: string) => api.del<void>(c(id) + '/members/' + userId),
  setRole: (id: string, userId: string, role: Role) => api.put<Conversation>(c(id) + '/members/' + userId + '/role', { role }),
  dissolve: (id: string) => api.post<Conversation>(c(id) + '/dissolve', {}),
  read: (id: string, seq: number) => api.post<Conversation>(c(id) + '/read', { seq }),
  messages: (id: string, q: { before?: number; after?: number; around?: number; limit?: number } = {}) => {
    const p = new URLSearchParams()
    if (q.around) p.set('around', String(q.around))
    if (q.before) p.set('before', String(q.before))
    if (q.after !== undefined) p.set('after', String(q.after))
    p.set('limit', String(q.limit ?? 50))
    return api.get<MessagePage>(c(id) + '/messages?' + p.toString())
  },
  send: (id: string, body: SendBody) => api.post<Message>(c(id) + '/messages', body),
  edit: (id: string, body: string) => api.patch<Message>(m(id), { body }),
  recall: (id: string) => api.post<Message>(m(id) + '/recall', {}),
  forward: (id: string, conversationIds: string[], clientKey: string) =>
    api.post<{ items: Message[] }>(m(id) + '/forward', { conversation_ids: conversationIds, client_key: clientKey }),
  search: (q: SearchQuery) => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(q)) if (v) p.set(k, v)
    return api.get<{ items: Message[] }>('/api/v1/chat/search?' + p.toString()).then((r) => r.items)
  },
  dingUnread: (id: string, message: string) => api.post<{ id: string; receipts: { user_id: string }[] }>(m(id) + '/ding', { message }),
  receipts: (id: string) => api.get<Receipts>(m(id) + '/receipts'),
  sendFile: (id: string, file: File, clientKey: string, onProgress?: (sent: number, total: number) => void) =>
    uploadWithProgress<Message>(c(id) + '/files?name=' + encodeURIComponent(file.name) + '&client_key=' + encodeURIComponent(clientKey),
      file, onProgress, { headers: { 'Content-Type': 'application/octet-stream' } }),
  fileUrl: (id: string) => m(id) + '/file',
  thumbUrl: (id: string) => m(id) + '/thumbnail',
  setAnnouncement: (id: string, body: string, version: number) => api.put<Conversation>(c(id) + '/announcement', { body, version }),
  readAnnouncement: (id: string) => api.post<Conversation>(c(id) + '/announcement/read', {}),
  announcementReceipts: (id: string) => api.get<AnnouncementReceipts>(c(id) + '/announcement/receipts'),
  exportUrl: (id: string, format: 'json' | 'xlsx') => c(id) + '/export?format=' + format,
  settings: () => api.get<ChatSettings>('/api/v1/chat/settings'),
  /** findConversations: every conversation of the company (administrators), for export. */
  findConversations: (q: { q?: string; kind?: string; cursor?: string }) => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(q)) if (v) p.set(k, v)
    return api.get<{ items: FoundConversation[]; next_cursor: string }>('/api/v1/chat/admin/conversations?' + p.toString())
  },
  setSettings: (retentionDays: number, version: number) => api.put<ChatSettings>('/api/v1/chat/settings', { retention_days: retentionDays, version }),
}

/** fileSize shows a byte count as people read it. */
export function fileSize(n: number): string {
  if (n < 1024) return n + ' B'
  if (n < 1024 * 1024) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + ' KB'
  if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + ' MB'
  return (n / 1024 / 1024 / 1024).toFixed(1) + ' GB'
}
