// @vitest-environment node
// zh-CN is complete: every key of one language exists in the other, every
// message compiles, and every error key the server can send (scanned from the
// Go sources, not listed by hand) has a zh-CN translation under errors.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildMessages, i18n, loadLocale, loadLocaleCore, messages } from './index'

type Tree = { [k: string]: string | Tree }
function leaves(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : leaves(v, prefix + k + '.')))
}

const repo = path.resolve(__dirname, '../../..')

function goFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f)
    if (statSync(p).isDirectory()) return goFiles(p)
    return f.endsWith('.go') && !f.endsWith('_test.go') ? [p] : []
  })
}

/** backendKeys finds every error key the server or the desktop shell can return. */
export function backendKeys(): Map<string, string> {
  const found = new Map<string, string>()
  const patterns = [
    /apperr\.(?:Invalid|Unauthenticated|Forbidden|NotFound|Conflict|TooLarge|RateLimited)\(\s*"([^"]+)"/g, // apperr constructors
    /\.Err\(\s*"([^"]+)"/g, // Validator.Err("key", ...)
    /(?:errorDetail|BindingError)\{[^}]*?Key:\s*"([^"]+)"/g, // hand-written error bodies
    /"key":"([^"]+)"/g, // literal JSON error bodies (desktop proxy)
  ]
  for (const file of [...goFiles(path.join(repo, 'backend')), ...goFiles(path.join(repo, 'app'))]) {
    const src = readFileSync(file, 'utf8')
    for (const re of patterns) for (const m of src.matchAll(re)) found.set(m[1], path.relative(repo, file))
  }
  return found
}

describe('i18n catalogs', () => {
  const zh = messages['zh-CN'] as Tree
  const en = messages.en as Tree

  it('has the same keys in zh-CN and en', () => {
    const z = new Set(leaves(zh)), e = new Set(leaves(en))
    expect([...e].filter((k) => !z.has(k)), 'in en, missing in zh-CN').toEqual([])
    expect([...z].filter((k) => !e.has(k)), 'in zh-CN, missing in en').toEqual([])
  })

  it('compiles every message (no stray @, | or braces)', () => {
    const { t } = i18n.global
    for (const lang of ['zh-CN', 'en']) {
      i18n.global.locale.value = lang as 'zh-CN'
      for (const k of leaves(messages[lang] as Tree)) {
        const out = t(k, { n: 1, name: 'x', title: 'x', password: 'x', number: 'x', ok: 1, total: 1, time: 'x', path: 'x' })
        expect(out, `${lang}: ${k}`).not.toBe(k)
      }
    }
    i18n.global.locale.value = 'zh-CN'
  })

  it('translates every error key the backend returns into zh-CN', () => {
    const keys = backendKeys()
    expect(keys.size).toBeGreaterThan(50) // the scan really found the keys
    expect(keys.has('org.email_taken') || keys.has('org.invalid_user')).toBe(true)
    const missing = [...keys].filter(([k]) => {
      let cur: unknown = zh.errors
      for (const part of k.split('.')) cur = (cur as Tree | undefined)?.[part]
      return typeof cur !== 'string'
    }).map(([k, file]) => `${k} (${file})`)
    expect(missing, 'add these under `export const errors` in src/locales/zh-CN/<domain>.ts').toEqual([])
  })

  it('merges default exports under the file name and errors under errors', () => {
    const m = buildMessages({
      './zh-CN/a.ts': { default: { x: '1' }, errors: { a: { bad: '坏' } } },
      './zh-CN/b.ts': { default: { y: '2' }, errors: { b: { bad: '错' }, a: { worse: '更坏' } } },
    })
    expect(m['zh-CN']).toEqual({ a: { x: '1' }, b: { y: '2' }, errors: { a: { bad: '坏', worse: '更坏' }, b: { bad: '错' } } })
  })

  it('defaults to zh-CN', () => {
    expect(i18n.global.locale.value).toBe('zh-CN')
    expect(i18n.global.t('org.contacts.nav')).toBe('通讯录')
    expect(i18n.global.t('errors.meeting.room_conflict')).not.toBe('errors.meeting.room_conflict')
  })

  it('splits English in two chunks: the sign-in texts, and the rest for the app', async () => {
    const core = (await import('./catalog-en-core')).default
    const rest = (await import('./catalog-en')).default
    expect(Object.keys(core).filter((k) => k !== 'errors').sort()).toEqual(['auth', 'common', 'desktop'])
    expect(Object.keys(rest)).toContain('drive')
    expect(Object.keys(rest)).not.toContain('auth')
    await loadLocaleCore('en')
    await loadLocale('en')
    expect(messages.en).toHaveProperty('auth')
    expect(messages.en).toHaveProperty('drive')
  })
})
