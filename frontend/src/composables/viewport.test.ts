import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { PHONE_QUERY, resetViewportForTest, useNavCollapsed, useViewport } from './viewport'

// A matchMedia that answers from a settable width and fires change events,
// as a browser does when the window is resized or the phone rotates.
function fakeMedia(width: number) {
  const listeners: ((e: { matches: boolean }) => void)[] = []
  const queries: string[] = []
  const state = { width }
  const matches = () => state.width <= 480
  window.matchMedia = ((q: string) => {
    queries.push(q)
    return { get matches() { return matches() }, addEventListener: (_: string, f: (e: { matches: boolean }) => void) => listeners.push(f) }
  }) as unknown as typeof window.matchMedia
  return { queries, resize(w: number) { state.width = w; for (const f of listeners) f({ matches: matches() }) } }
}

describe('useViewport', () => {
  afterEach(() => { resetViewportForTest(); localStorage.clear() })

  it('is a phone at 390 px and follows a resize, with one listener for every caller', async () => {
    const m = fakeMedia(390)
    const a = useViewport()
    const b = useViewport()
    expect(a.isPhone.value).toBe(true)
    expect(m.queries).toEqual([PHONE_QUERY])
    m.resize(1280)
    await nextTick()
    expect(a.isPhone.value).toBe(false)
    expect(b.isPhone.value).toBe(false)
    m.resize(480)
    expect(b.isPhone.value).toBe(true)
  })

  it('is not a phone on a desktop', () => {
    fakeMedia(1280)
    expect(useViewport().isPhone.value).toBe(false)
  })
})

describe('useNavCollapsed', () => {
  afterEach(() => localStorage.clear())

  it('remembers the folded menu across page loads', () => {
    const first = useNavCollapsed()
    expect(first.value).toBe(false)
    first.value = true
    expect(useNavCollapsed().value).toBe(true)
    first.value = false
    expect(useNavCollapsed().value).toBe(false)
  })
})
