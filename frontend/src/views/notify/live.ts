// One live connection per tab: EventSource('/api/v1/events') (the session
// cookie authenticates it; the browser resumes with Last-Event-ID), with a
// fallback to polling the unread count every 30 s while the stream is down.
import { ref } from 'vue'
import type { TackEvent } from '@/api/notify'
import { notifyApi } from '@/api/notify'
import { EventType } from '@/api/events.gen'

type Listener = (ev: TackEvent) => void

const listeners = new Set<Listener>()
export const unreadCount = ref(0)
/** dingsAcked counts this tab's DING acknowledgements (the modal's, a DING page's), so an open DING list can refresh. */
export const dingsAcked = ref(0)
export const connected = ref(false)
let source: EventSource | null = null
let poller: ReturnType<typeof setInterval> | null = null
let started = false

export async function refreshUnread() {
  try { unreadCount.value = await notifyApi.unreadCount() } catch { /* signed out or offline */ }
}

function startPolling() {
  if (poller) return
  poller = setInterval(refreshUnread, 30_000)
}

function stopPolling() {
  if (poller) { clearInterval(poller); poller = null }
}

export function onEvent(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function startLive() {
  if (started) return
  started = true
  void refreshUnread()
  startPolling()
  if (typeof EventSource === 'undefined') return
  connect()
}

/** RECONNECT_MS is how long a tab waits before opening a stream the server refused. */
export const RECONNECT_MS = 60_000
let retry: ReturnType<typeof setTimeout> | null = null

function connect() {
  const es = new EventSource('/api/v1/events')
  source = es
  es.onopen = () => { connected.value = true; stopPolling(); void refreshUnread() }
  es.onerror = () => {
    connected.value = false
    startPolling()
    // After a dropped connection EventSource reconnects by itself; after an
    // HTTP error it gives up for good (429: the account or the server has
    // too many live streams). Try again later; the poller keeps the count
    // fresh meanwhile.
    if (es.readyState === EventSource.CLOSED && !retry) {
      retry = setTimeout(() => { retry = null; if (started && source === es) connect() }, RECONNECT_MS)
    }
  }
  es.onmessage = (m) => dispatch(m)
  // Named events (event: <type>) do not reach onmessage; listen to every type we know.
  for (const type of KNOWN_TYPES) es.addEventListener(type, (m) => dispatch(m as MessageEvent))
}

export function stopLive() {
  if (retry) { clearTimeout(retry); retry = null }
  source?.close(); source = null; stopPolling(); started = false; connected.value = false
}

// Chat's events make no notification: they leave the bell's count alone
// (chat keeps its own unread counts, views/chat/state.ts); nor does
// ding.acked, which only updates the sender's open DING pages.
const QUIET = new Set<string>([EventType.ChatMessage, EventType.ChatRead, EventType.ChatConversation, EventType.DingAcked])

function dispatch(m: MessageEvent) {
  let ev: TackEvent
  try { ev = JSON.parse(m.data) } catch { return }
  if (!QUIET.has(ev.type)) void refreshUnread()
  for (const fn of listeners) fn(ev)
}

// Every type of the event contract (backend/event); auth.streams_closed has
// no recipients and never reaches a client.
export const KNOWN_TYPES: string[] = Object.values(EventType).filter((t) => t !== EventType.StreamsClosed)
