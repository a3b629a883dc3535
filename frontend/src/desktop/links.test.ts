import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { keepLinksInApp } from './links'

describe('links in the desktop window', () => {
  const opened: string[] = []
  beforeAll(() => keepLinksInApp())
  afterEach(() => {
    delete (window as any).runtime
    opened.length = 0
    document.body.innerHTML = ''
  })
  const click = (href: string, target = '') => {
    document.body.innerHTML = `<a href="${href}" ${target}><span>go</span></a>`
    const ev = new MouseEvent('click', { bubbles: true, cancelable: true })
    document.querySelector('span')!.dispatchEvent(ev)
    return ev.defaultPrevented
  }

  it('opens another site in the system browser, never in the window', () => {
    ;(window as any).runtime = { BrowserOpenURL: vi.fn((u: string) => opened.push(u)) }
    expect(click('https://meet.example.com/room?x=1', 'target="_blank"')).toBe(true)
    expect(click('http://evil.example/')).toBe(true)
    expect(opened).toEqual(['https://meet.example.com/room?x=1', 'http://evil.example/'])
  })

  it('drops javascript: and other schemes, and keeps the app\'s own links', () => {
    ;(window as any).runtime = { BrowserOpenURL: vi.fn((u: string) => opened.push(u)) }
    expect(click('javascript:alert(1)')).toBe(true)
    expect(click('file:///etc/passwd')).toBe(true)
    expect(click('/approvals/abc')).toBe(false)
    expect(click('/api/v1/meetings/m1.ics')).toBe(false)
    expect(opened).toEqual([])
  })

  it('leaves links alone in a plain browser', () => {
    expect(click('https://meet.example.com/room')).toBe(false)
  })
})
