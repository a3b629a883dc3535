// Chat state shared by the shell and the chat views: the unread total (the
// sidebar and the phone tab bar show it), kept fresh by the one live event
// stream (views/notify/live.ts) — chat opens no connection of its own.
import { ref, watch } from 'vue'
import { chatApi, type Conversation, type Member, type Message } from '@/api/chat'
import { EventType } from '@/api/events.gen'
import type { TackEvent } from '@/api/notify'
import { connected, onEvent } from '@/views/notify/live'
import { useSession } from '@/stores/session'
import { outboxFor, type Outbox } from './outbox'

export const CHAT_TYPES = new Set<string>([EventType.ChatMessage, EventType.ChatRead, EventType.ChatConversation])

export const chatUnread = ref(0)

export async function refreshChatUnread() {
  try { chatUnread.value = await chatApi.unread() } catch { /* signed out or offline */ }
}

let timer: ReturnType<typeof setTimeout> | null = null
/** soon runs fn once after a burst of events (a group's busy minute is one refresh). */
export function soon(fn: () => void, ms = 200): void {
  if (timer) clearTimeout(timer)
  timer = setTimeout(() => { timer = null; fn() }, ms)
}

let hooked = false
/** followChatUnread keeps chatUnread fresh; the shell calls it once. */
export function followChatUnread(): void {
  if (hooked) return
  hooked = true
  void refreshChatUnread()
  onEvent((ev: TackEvent) => { if (CHAT_TYPES.has(ev.type)) soon(refreshChatUnread, 150) })
  watch(connected, (up) => { if (up) void refreshChatUnread() })
  // What was written while the server was unreachable, in this page or before
  // a reload or restart, goes out whichever view is open.
  const session = useSession()
  const flush = () => { if (session.me) void chatOutbox(session.me.id).flush() }
  watch(() => session.me?.id, flush, { immediate: true })
  watch(connected, (up) => { if (up) flush() })
  window.addEventListener('online', flush)
}

/** chatOutbox is the signed-in user's outbox of messages not yet taken by the server (outbox.ts). */
export function chatOutbox(userId: string): Outbox {
  return outboxFor(userId, chatApi.send)
}

/** unreadOf counts the members (not the sender) who joined before m and have not read it. */
export function unreadOf(m: Message, members: Member[]): number {
  return members.filter((x) => x.user_id !== m.sender_id && x.joined_seq < m.seq && x.read_seq < m.seq).length
}

/**
 * keepReadMarks is fresh (a conversation's members as just loaded) with each
 * member's read mark at least what held (the members shown until now) says: a
 * read mark is never taken back, and a live read event that arrived while the
 * conversation was loading is newer than the loaded snapshot.
 */
export function keepReadMarks(fresh: Member[], held: Member[]): Member[] {
  const seen = new Map(held.map((m) => [m.user_id, m.read_seq]))
  return fresh.map((m) => ((seen.get(m.user_id) ?? 0) > m.read_seq ? { ...m, read_seq: seen.get(m.user_id)! } : m))
}

/** newKey is a client idempotency key: a retried send reuses it. */
export function newKey(): string {
  const c = globalThis.crypto as Crypto | undefined
  if (c?.randomUUID) return c.randomUUID()
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2)
}

/** mergeBySeq adds messages to a list ordered by seq, replacing those it already holds (no duplicates). */
export function mergeBySeq(list: Message[], more: Message[]): Message[] {
  const by = new Map<number, Message>()
  for (const m of list) by.set(m.seq, m)
  for (const m of more) by.set(m.seq, m)
  return [...by.values()].sort((a, b) => a.seq - b.seq)
}

/** canRecall: own messages within 24 h; a group's owner and admins any. */
export function canRecall(m: Message, me: string, conv: Conversation, now = Date.now()): boolean {
  if (m.recalled_at || conv.archived_at) return false
  if (conv.kind !== 'direct' && (conv.my_role === 'owner' || conv.my_role === 'admin')) return true
  return m.sender_id === me && now - Date.parse(m.created_at) < 24 * 3600_000
}

/** canEdit: own text within 15 minutes. */
export function canEdit(m: Message, me: string, conv: Conversation, now = Date.now()): boolean {
  return !m.recalled_at && !m.file && !conv.archived_at && m.sender_id === me && now - Date.parse(m.created_at) < 15 * 60_000
}
