// The chat outbox: text messages written but not yet taken by the server.
// They are kept in localStorage under the signed-in user's id (the desktop
// window runs this same code), so a reload, a closed tab or a restarted
// desktop client shows them again as 等待网络 and sends them when the server
// answers. Each keeps the client key it was written with: a message whose
// answer was lost (the server stored it, the network dropped the reply) is
// sent again with that key and the server answers with the message it
// already has (chat's idempotent send), never a second one.
//
// One outbox sends at a time, oldest first, across conversations: the order
// written is the order sent. An unreachable server leaves the message queued
// and stops the pass (the next one starts on 'online', on the event stream's
// reconnect, or on a backoff timer while the browser thinks it is online but
// the server is down); a refusal (no longer a member, group archived) marks
// it failed and the pass goes on with the next.
import { reactive } from 'vue'
import { isApiError } from '@/api/client'
import type { Message, SendBody } from '@/api/chat'

export type OutState = 'sending' | 'queued' | 'failed'

/** Outgoing is one text message in the outbox. */
export interface Outgoing {
  key: string
  conversation_id: string
  body: string
  mentions: string[]
  mention_all: boolean
  reply_to_id: string
  state: OutState
}

/** Sender posts one message (chatApi.send in the app). */
export type Sender = (conversationId: string, body: SendBody) => Promise<Message>

/** unreachable: no answer from the server (offline, or the desktop's proxy found the server down). */
export function unreachable(e: unknown): boolean {
  return isApiError(e) && (e.status === 0 || e.key === 'desktop.server_unreachable')
}

const PREFIX = 'tack.chat.outbox.'
/** storageKey is where a user's outbox is kept. */
export function storageKey(userId: string): string { return PREFIX + userId }

/** Backoff of the retry timer while the server stays unreachable (ms). */
export const RETRY_STEPS = [2000, 4000, 8000, 15000]

export class Outbox {
  readonly items: Outgoing[]
  private delivered = new Set<(m: Message) => void>()
  private refused = new Set<(o: Outgoing, e: unknown) => void>()
  private running: Promise<void> | null = null
  private again = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private failures = 0

  constructor(readonly userId: string, private send: Sender, private storage: Storage | null = safeStorage()) {
    this.items = reactive(this.read())
  }

  /** read loads what was kept; a message that was being sent when the page went is queued again (its key makes a resend harmless). */
  private read(): Outgoing[] {
    try {
      const raw = this.storage?.getItem(storageKey(this.userId))
      const list = raw ? JSON.parse(raw) as Outgoing[] : []
      if (!Array.isArray(list)) return []
      return list.filter((o) => o && typeof o.key === 'string' && typeof o.conversation_id === 'string' && typeof o.body === 'string')
        .map((o) => ({ ...o, mentions: Array.isArray(o.mentions) ? o.mentions : [], state: o.state === 'failed' ? 'failed' : 'queued' }))
    } catch { return [] }
  }

  private save() {
    try {
      if (this.items.length) this.storage?.setItem(storageKey(this.userId), JSON.stringify(this.items))
      else this.storage?.removeItem(storageKey(this.userId))
    } catch { /* storage full or off: the message still goes out from memory */ }
  }

  /** of lists the messages waiting in one conversation, in the order written. */
  of(conversationId: string): Outgoing[] { return this.items.filter((o) => o.conversation_id === conversationId) }

  /** add keeps a new message (before the first attempt, so a reload during it loses nothing) and sends. */
  add(o: Omit<Outgoing, 'state'>): Promise<void> {
    this.items.push({ ...o, state: 'sending' })
    this.save()
    return this.flush()
  }

  /** retry sends a failed message again, with its key. */
  retry(key: string): Promise<void> {
    const o = this.items.find((x) => x.key === key)
    if (o) { o.state = 'queued'; this.save() }
    return this.flush()
  }

  /** discard drops a message the writer gave up on. */
  discard(key: string) {
    const i = this.items.findIndex((x) => x.key === key)
    if (i >= 0) { this.items.splice(i, 1); this.save() }
  }

  /** settle drops the messages the server is seen to hold already (their
   * answer was lost, then the list was loaded): shown once, not sent again. */
  settle(held: { conversation_id: string; client_key?: string }[]) {
    const keys = new Set(held.filter((m) => m.client_key).map((m) => m.conversation_id + '\x00' + m.client_key))
    const before = this.items.length
    for (let i = this.items.length - 1; i >= 0; i--) {
      const o = this.items[i]
      if (o.state !== 'sending' && keys.has(o.conversation_id + '\x00' + o.key)) this.items.splice(i, 1)
    }
    if (this.items.length !== before) this.save()
  }

  onDelivered(fn: (m: Message) => void): () => void { this.delivered.add(fn); return () => this.delivered.delete(fn) }
  onRefused(fn: (o: Outgoing, e: unknown) => void): () => void { this.refused.add(fn); return () => this.refused.delete(fn) }

  /** flush sends what waits, oldest first; a call while a pass runs makes it run once more. */
  flush(): Promise<void> {
    if (this.running) { this.again = true; return this.running }
    this.running = (async () => {
      try {
        do { this.again = false; await this.pass() } while (this.again)
      } finally { this.running = null }
    })()
    return this.running
  }

  private async pass() {
    if (this.timer) { clearTimeout(this.timer); this.timer = null }
    for (const o of [...this.items]) {
      if (o.state === 'failed' || !this.items.includes(o)) continue
      o.state = 'sending'
      try {
        const m = await this.send(o.conversation_id, { client_key: o.key, body: o.body, mentions: o.mentions,
          mention_all: o.mention_all, reply_to_id: o.reply_to_id || undefined })
        const i = this.items.indexOf(o)
        if (i >= 0) this.items.splice(i, 1)
        this.save()
        this.failures = 0
        for (const fn of this.delivered) fn(m)
      } catch (e) {
        if (unreachable(e)) {
          for (const x of this.items) if (x.state === 'sending') x.state = 'queued' // it and all after it wait
          this.save()
          this.schedule()
          return // keep the order: nothing after it goes first
        }
        o.state = 'failed'
        this.save()
        for (const fn of this.refused) fn(o, e)
      }
    }
  }

  /** schedule tries again later while the server stays unreachable. */
  private schedule() {
    if (this.timer || this.stopped) return
    const ms = RETRY_STEPS[Math.min(this.failures, RETRY_STEPS.length - 1)]
    this.failures++
    this.timer = setTimeout(() => { this.timer = null; void this.flush() }, ms)
  }

  private stopped = false
  /** stop ends the retry timer (sign-out, another user). What waits stays kept. */
  stop() {
    this.stopped = true
    if (this.timer) { clearTimeout(this.timer); this.timer = null }
  }
}

function safeStorage(): Storage | null {
  try { return globalThis.localStorage ?? null } catch { return null }
}

let current: Outbox | null = null
/** outboxFor is the signed-in user's outbox (one per page), built on first use. */
export function outboxFor(userId: string, send: Sender): Outbox {
  if (current?.userId !== userId) {
    current?.stop()
    current = new Outbox(userId, send)
  }
  return current
}

/**
 * forgetOutbox drops a user's unsent messages when they sign out. The text
 * would otherwise stay in this browser's storage for whoever signs in next
 * on a shared computer; signing out is the user's own choice to leave them.
 */
export function forgetOutbox(userId: string, storage: Storage | null = safeStorage()) {
  if (current?.userId === userId) { current.stop(); current = null }
  try { storage?.removeItem(storageKey(userId)) } catch { /* storage refused: nothing was kept */ }
}
