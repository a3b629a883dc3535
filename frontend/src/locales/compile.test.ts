// compileMessage stands in for vue-i18n's own compiler (dropped from the
// bundle, vite.config.ts): every catalog message must come out the same from
// both, and a syntax it does not know must be reported, not mistranslated.
import { describe, expect, it } from 'vitest'
import { createI18n, type MessageCompiler } from 'vue-i18n'
// vue-i18n's own parser and formatter, as the app used them before.
import { baseCompile } from '@intlify/message-compiler'
import { compile as formatAst } from '@intlify/core-base'
import { buildMessages, type CatalogModule } from '.'
import { compileMessage } from './compile'

const reference: MessageCompiler = (message, context) =>
  formatAst(typeof message === 'string' ? baseCompile(message, { jit: true, location: false }).ast : message, context)

type Tree = { [k: string]: string | Tree }
function leaves(t: Tree, prefix = ''): [string, string][] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, prefix + k + '.')))
}

const all = buildMessages(import.meta.glob<CatalogModule>('./*/*.ts', { eager: true }))
const make = (messageCompiler: MessageCompiler, messages: Record<string, Tree> = all) =>
  createI18n({ legacy: false, locale: 'zh-CN', messages, messageCompiler, missingWarn: false, fallbackWarn: false }).global

describe('compileMessage', () => {
  const ours = make(compileMessage)
  const theirs = make(reference)
  for (const lang of Object.keys(all)) {
    it(`renders every ${lang} message as vue-i18n's compiler does`, () => {
      const list = leaves(all[lang])
      expect(list.length).toBeGreaterThan(500)
      let placeholders = 0
      for (const [key, src] of list) {
        const names = [...src.matchAll(/\{\s*([A-Za-z_]\w*)\s*\}/g)].map((m) => m[1])
        placeholders += names.length
        const params = Object.fromEntries(names.map((n) => [n, `<${n}>`]))
        expect(ours.t(key, params, { locale: lang }), key).toBe(theirs.t(key, params, { locale: lang }))
      }
      expect(placeholders).toBeGreaterThan(50)
    })
  }

  it('handles list placeholders, literals and plurals like vue-i18n', () => {
    const messages = { 'zh-CN': { a: "{0} 和 {1}{'@'}x", p: 'no file | one file | {n} files', s: "mail{'@'}host" } }
    const o = make(compileMessage, messages), r = make(reference, messages)
    expect(o.t('a', ['甲', '乙'])).toBe(r.t('a', ['甲', '乙']))
    expect(o.t('a', ['甲', '乙'])).toBe('甲 和 乙@x')
    for (const n of [0, 1, 5]) expect(o.t('p', n)).toBe(r.t('p', n))
    expect(o.t('s')).toBe('mail@host')
  })

  it('reports a linked message instead of translating it wrongly', () => {
    const errors: string[] = []
    const fn = compileMessage('see @:other', { key: 'k', locale: 'zh-CN', onError: (e: Error) => errors.push(e.message) } as never)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('unsupported message syntax in k')
    expect(fn({} as never)).toBe('see @:other')
  })
})
