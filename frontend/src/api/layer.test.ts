// The frontend data layer's rules, read from the sources (docs/ARCHITECTURE.md,
// Frontend): views reach the server only through the typed calls in
// src/api/<domain>.ts, and the signed-in user comes from the session store.
import { describe, expect, it } from 'vitest'

// Every view file as text (tests excluded: they may name /me to say it is not asked).
const views = Object.entries(import.meta.glob('../views/**/*.{ts,vue}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>)
  .filter(([path]) => !path.endsWith('.test.ts'))

/** offenders lists the view files whose text matches re. */
const offenders = (re: RegExp) => views.filter(([, text]) => re.test(text)).map(([path]) => path)

describe('the frontend data layer', () => {
  it('reads the views (the glob is not empty)', () => {
    expect(views.length).toBeGreaterThan(50)
    expect(views.some(([p]) => p.endsWith('views/meetings/MeetingDetail.vue'))).toBe(true)
  })

  it('no view asks /api/v1/me: who is signed in comes from useSession()', () => {
    // '/api/v1/me', "/api/v1/me" or `/api/v1/me`, ending there or with a query (not /me/password).
    expect(offenders(/['"`]\/api\/v1\/me(\?[^'"`]*)?['"`]/)).toEqual([])
  })

  it('no view calls the HTTP client itself: the typed calls live in src/api/<domain>.ts', () => {
    expect(offenders(/\bapi\.(get|post|put|patch|del|raw)\s*[<(]|\bfetch\s*\(/)).toEqual([])
  })

  it('no view keeps its own Page<T> or errorText', () => {
    expect(offenders(/interface Page<|function errorText\b/)).toEqual([])
  })
})
