import { describe, expect, it } from 'vitest'
import { uiRoute } from './uiRoute'

describe('uiRoute', () => {
  it('follows routes of the UI only', () => {
    for (const ok of ['/approvals/abc', '/meetings/x?occurrence=2026-01-06T02:00:00Z', '/apis-overview', '/drive/f1#top']) {
      expect(uiRoute(ok), ok).toBe(true)
    }
    for (const bad of ['', '//evil.example/x', 'javascript:alert(1)', 'https://evil.example', '/a\nb', '/a\\b',
      '/api/v1/drive/files/x/content', '/api', '/API/v1/x', '/./api/v1/x', '/approvals/../api/v1/x', '/%61pi/v1/x',
      '/api%2fv1/x', '/wails/runtime.js', '/%']) {
      expect(uiRoute(bad), bad).toBe(false)
    }
  })
})
