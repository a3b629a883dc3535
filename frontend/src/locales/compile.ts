// A message compiler for the part of vue-i18n's syntax the catalogs use:
// text, {name} and {0} placeholders, {'x'} literals and `a | b` plurals.
// vue-i18n's own compiler (@intlify/message-compiler, ~10 KB gzip) would be
// in the sign-in page's bundle only to parse these; vite.config.ts drops it
// (__INTLIFY_DROP_MESSAGE_COMPILER__) and createI18n gets this one instead.
// Linked messages (@:key) are not supported: compile.test.ts runs every
// catalog message through both compilers and fails on any difference.
import type { MessageCompiler, MessageContext, MessageFunction } from 'vue-i18n'

type Part = string | { named: string } | { list: number }
// normalize and interpolate are on every message context but marked internal
// in vue-i18n's types; its own compiled messages call them the same way.
type Ctx = MessageContext<string> & { normalize(parts: unknown[]): unknown; interpolate(v: unknown): unknown }

/** parseCase splits one plural case into text and placeholders; null when it is not in the supported syntax. */
function parseCase(src: string): Part[] | null {
  const parts: Part[] = []
  let text = ''
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (c === '@' || c === '}') return null // linked message or a stray brace: not ours
    if (c !== '{') { text += c; i++; continue }
    const end = src.indexOf('}', i)
    if (end < 0) return null
    const inner = src.slice(i + 1, end).trim()
    i = end + 1
    const lit = /^'([^']*)'$/.exec(inner)
    if (lit) { text += lit[1]; continue }
    if (text) { parts.push(text); text = '' }
    if (/^\d+$/.test(inner)) parts.push({ list: Number(inner) })
    else if (/^[A-Za-z_$][\w$-]*$/.test(inner)) parts.push({ named: inner })
    else return null
  }
  if (text) parts.push(text)
  return parts
}

function render(ctx: Ctx, parts: Part[]): unknown {
  // Like vue-i18n's own output: a plain string for text-only messages, so
  // <i18n-t> and tm() get what they would from the built-in compiler.
  if (parts.length <= 1 && typeof parts[0] !== 'object') {
    const s = (parts[0] as string | undefined) ?? ''
    return ctx.type === 'text' ? s : ctx.normalize([s])
  }
  return ctx.normalize(parts.map((p) =>
    typeof p === 'string' ? p : 'named' in p ? ctx.interpolate(ctx.named(p.named)) : ctx.interpolate(ctx.list(p.list))))
}

// vue-i18n caches what its own compiler returns but calls a custom one on
// every t(): keep each message's function, as it did (keyed by the source;
// a message that failed is not kept, as there).
const cache = new Map<string, MessageFunction>()

/** compileMessage turns a catalog string into a message function; a source it
 * does not understand is reported through onError and shown as it is. */
export const compileMessage: MessageCompiler = (message, context) => {
  if (typeof message !== 'string') {
    context.onError?.(new Error(`i18n: precompiled messages are not supported (${context.key})`) as never)
    return (() => context.key) as MessageFunction
  }
  const hit = cache.get(message)
  if (hit) return hit
  const cases = message.split('|').map((c) => (message.includes('|') ? c.trim() : c))
  const parsed = cases.map(parseCase)
  if (parsed.some((p) => p === null)) {
    context.onError?.(new Error(`i18n: unsupported message syntax in ${context.key}: ${message}`) as never)
    return (() => message) as MessageFunction
  }
  const ok = parsed as Part[][]
  const fn = (ok.length === 1
    ? (ctx: Ctx) => render(ctx, ok[0])
    : (ctx: Ctx) => ctx.plural(ok.map((p) => render(ctx, p) as string))) as MessageFunction
  cache.set(message, fn)
  return fn
}
