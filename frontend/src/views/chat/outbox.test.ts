// The outbox keeps unsent messages in localStorage per user, sends them in
// order with their client keys, and picks them up again after a reload.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import type { Message, SendBody } from '@/api/chat'
import { Outbox, RETRY_STEPS, forgetOutbox, storageKey } from './outbox'

const offline = () => new ApiError(0, { code: 'network', key: 'network', message: 'Failed to fetch' })
const sent = (conv: string, b: SendBody, seq: number) => ({ id: 'm' + seq, conversation_id: conv, seq, body: b.body, client_key: b.client_key }) as unknown as Message

/** server is a stand-in for the chat API's idempotent send: one message per client key. */
function server() {
  const byKey = new Map<string, Message>()
  const posts: { conv: string; body: SendBody }[] = []
  let up = true
  let refuse = ''
  const send = async (conv: string, body: SendBody) => {
    posts.push({ conv, body })
    if (!up) throw offline()
    if (conv === refuse) throw new ApiError(403, { code: 'forbidden', key: 'chat.not_member', message: 'not a member' })
    let m = byKey.get(body.client_key)
    if (!m) { m = sent(conv, body, byKey.size + 1); byKey.set(body.client_key, m) }
    return m
  }
  return { send, posts, stored: () => [...byKey.values()], down: () => { up = false }, up: () => { up = true }, refuse: (c: string) => { refuse = c } }
}

const msg = (key: string, conv: string, body: string) => ({ key, conversation_id: conv, body, mentions: [], mention_all: false, reply_to_id: '' })

describe('Outbox', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => vi.useRealTimers())

  it('keeps what the server did not take, per user, and sends it once after a reload', async () => {
    const s = server()
    s.down()
    const before = new Outbox('u1', s.send)
    await before.add(msg('k1', 'c1', '电梯里没信号'))
    await before.add(msg('k2', 'c1', '到客户楼下了'))
    expect(before.items.map((o) => o.state)).toEqual(['queued', 'queued'])
    before.stop()
    // Another person on this browser sees nothing of it.
    expect(new Outbox('u2', s.send).items).toHaveLength(0)
    expect(JSON.parse(localStorage.getItem(storageKey('u1'))!).map((o: { body: string }) => o.body)).toEqual(['电梯里没信号', '到客户楼下了'])

    // The page is reloaded: a new outbox reads the same messages back, as waiting.
    const after = new Outbox('u1', s.send)
    expect(after.of('c1').map((o) => [o.key, o.body, o.state])).toEqual([['k1', '电梯里没信号', 'queued'], ['k2', '到客户楼下了', 'queued']])
    const got: string[] = []
    after.onDelivered((m) => got.push(m.body))
    s.up()
    await after.flush()
    expect(got).toEqual(['电梯里没信号', '到客户楼下了'])
    expect(after.items).toHaveLength(0)
    expect(localStorage.getItem(storageKey('u1'))).toBeNull()
    // Every attempt carried the key the message was written with.
    expect(s.posts.map((p) => p.body.client_key)).toEqual(['k1', 'k1', 'k1', 'k2']) // the second add tried the first again, in order
    expect(s.stored().map((m) => m.body)).toEqual(['电梯里没信号', '到客户楼下了'])
  })

  it('a message whose answer was lost is sent again with its key and stored once', async () => {
    const s = server()
    let lose = true
    // The server takes it, then the reply is lost on the way back.
    const send = async (conv: string, b: SendBody) => { const m = await s.send(conv, b); if (lose) { lose = false; throw offline() } return m }
    const box = new Outbox('u1', send)
    await box.add(msg('k1', 'c1', '合同已盖章'))
    expect(box.items[0].state).toBe('queued')
    box.stop()
    const reloaded = new Outbox('u1', send)
    await reloaded.flush()
    expect(reloaded.items).toHaveLength(0)
    expect(s.posts).toHaveLength(2)
    expect(s.stored()).toHaveLength(1)
  })

  it('a message the loaded list already holds (its answer was lost) is settled: shown once, not sent again', async () => {
    const s = server()
    s.down()
    const box = new Outbox('u1', s.send)
    await box.add(msg('k1', 'c1', '合同已盖章'))
    await box.add(msg('k2', 'c1', '下午三点回公司'))
    box.settle([{ conversation_id: 'c2', client_key: 'k2' }, { conversation_id: 'c1', client_key: 'k1' }])
    expect(box.items.map((o) => o.key)).toEqual(['k2'])
    expect(JSON.parse(localStorage.getItem(storageKey('u1'))!).map((o: { key: string }) => o.key)).toEqual(['k2'])
    box.stop()
  })

  it('a message being sent when the page went is sent again, not lost', () => {
    localStorage.setItem(storageKey('u1'), JSON.stringify([{ ...msg('k1', 'c1', '在路上'), state: 'sending' }]))
    expect(new Outbox('u1', server().send).items[0].state).toBe('queued')
  })

  it('keeps the order: nothing goes out before an earlier message that could not', async () => {
    const s = server()
    const box = new Outbox('u1', s.send)
    s.down()
    await box.add(msg('k1', 'c1', '一'))
    await box.add(msg('k2', 'c2', '二'))
    s.up()
    await box.add(msg('k3', 'c1', '三'))
    expect(s.stored().map((m) => m.body)).toEqual(['一', '二', '三'])
  })

  it('a refused message is failed, the next ones go on, and retry sends it with its key', async () => {
    const s = server()
    const box = new Outbox('u1', s.send)
    const refused: string[] = []
    box.onRefused((o) => refused.push(o.body))
    s.refuse('gone')
    await box.add(msg('k1', 'gone', '被移出的群'))
    await box.add(msg('k2', 'c1', '正常的'))
    expect(refused).toEqual(['被移出的群'])
    expect(box.items.map((o) => [o.key, o.state])).toEqual([['k1', 'failed']])
    // Failed stays failed over a reload (with its retry), it is not resent by itself.
    const reloaded = new Outbox('u1', s.send)
    expect(reloaded.items.map((o) => o.state)).toEqual(['failed'])
    await reloaded.flush()
    expect(s.posts.filter((p) => p.body.client_key === 'k1')).toHaveLength(1)
    s.refuse('')
    await reloaded.retry('k1')
    expect(reloaded.items).toHaveLength(0)
    expect(s.posts.filter((p) => p.body.client_key === 'k1')).toHaveLength(2)
  })

  it('retries by itself while the server stays unreachable', async () => {
    vi.useFakeTimers()
    const s = server()
    s.down()
    const box = new Outbox('u1', s.send)
    await box.add(msg('k1', 'c1', '服务器重启中'))
    expect(s.posts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(RETRY_STEPS[0])
    expect(s.posts).toHaveLength(2)
    s.up()
    await vi.advanceTimersByTimeAsync(RETRY_STEPS[1])
    expect(box.items).toHaveLength(0)
    expect(s.stored()).toHaveLength(1)
    box.stop()
  })

  it('an unreadable stored outbox starts empty', () => {
    localStorage.setItem(storageKey('u1'), '{not json')
    expect(new Outbox('u1', server().send).items).toHaveLength(0)
  })

  it('forgets a user\'s unsent messages when they sign out, and only theirs', async () => {
    const s = server()
    s.down()
    await new Outbox('u1', s.send).add(msg('k1', 'c1', '离职交接清单'))
    await new Outbox('u2', s.send).add(msg('k2', 'c2', '明天见'))
    forgetOutbox('u1')
    expect(localStorage.getItem(storageKey('u1'))).toBeNull()
    expect(new Outbox('u1', s.send).items).toEqual([])
    expect(new Outbox('u2', s.send).items.map((o) => o.body)).toEqual(['明天见'])
  })
})
