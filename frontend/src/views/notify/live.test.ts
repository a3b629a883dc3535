import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api/notify', () => ({ notifyApi: { unreadCount: vi.fn(async () => 3) } }))

// A stand-in for the browser's EventSource: the test decides when it opens
// or fails and in which state it ends up.
class FakeEventSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static made: FakeEventSource[] = []
  readyState = FakeEventSource.CONNECTING
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  onmessage: ((m: MessageEvent) => void) | null = null
  constructor(public url: string) { FakeEventSource.made.push(this) }
  addEventListener() {}
  close() { this.readyState = FakeEventSource.CLOSED }
}

describe('live event stream', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeEventSource.made = []
    vi.stubGlobal('EventSource', FakeEventSource)
  })
  afterEach(async () => {
    const { stopLive } = await import('./live')
    stopLive()
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('opens the stream again later when the server refused it (429), polling meanwhile', async () => {
    const { startLive, connected, RECONNECT_MS } = await import('./live')
    startLive()
    expect(FakeEventSource.made).toHaveLength(1)
    const first = FakeEventSource.made[0]
    first.readyState = FakeEventSource.CLOSED // an HTTP error: EventSource gives up
    first.onerror?.()
    expect(connected.value).toBe(false)
    vi.advanceTimersByTime(RECONNECT_MS - 1)
    expect(FakeEventSource.made).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.made).toHaveLength(2)
    FakeEventSource.made[1].readyState = FakeEventSource.OPEN
    FakeEventSource.made[1].onopen?.()
    expect(connected.value).toBe(true)
  })

  it('leaves a dropped connection to EventSource itself', async () => {
    const { startLive, RECONNECT_MS } = await import('./live')
    startLive()
    const first = FakeEventSource.made[0]
    first.readyState = FakeEventSource.CONNECTING // a network drop: it reconnects by itself
    first.onerror?.()
    vi.advanceTimersByTime(RECONNECT_MS * 2)
    expect(FakeEventSource.made).toHaveLength(1)
  })

  it('does not reconnect after sign-out', async () => {
    const { startLive, stopLive, RECONNECT_MS } = await import('./live')
    startLive()
    const first = FakeEventSource.made[0]
    first.readyState = FakeEventSource.CLOSED
    first.onerror?.()
    stopLive()
    vi.advanceTimersByTime(RECONNECT_MS * 2)
    expect(FakeEventSource.made).toHaveLength(1)
  })
})
