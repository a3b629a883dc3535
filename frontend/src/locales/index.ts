// The UI catalogs: one file per domain and language, src/locales/<lang>/<domain>.ts.
// A file's default export is merged under its basename (approvals.ts →
// t('approvals.nav')); its named export `errors` is deep-merged under `errors`
// (t('errors.meeting.room_conflict')), where the keys are the server's error
// keys (apperr). zh-CN is the default and is complete (see i18n.test.ts).
//
// Only what the sign-in page shows is bundled with the entry: zh-CN's common,
// auth and desktop files (CORE). The rest of zh-CN and every other language
// are chunks (catalog-<lang>.ts) that loadLocale fetches: the route guard
// before any page but the sign-in page, setLocale before switching. Other
// languages' CORE files are a chunk of their own (catalog-<lang>-core.ts).
import { createI18n } from 'vue-i18n'
import { computed, ref } from 'vue'
import { compileMessage } from './compile'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'
const STORAGE_KEY = 'tack.locale'

type Tree = { [k: string]: string | Tree }
export interface CatalogModule { default?: Tree; errors?: Tree }

function isTree(v: unknown): v is Tree {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** deepMerge copies src into dst, recursing into objects (later files win on a clash). */
export function deepMerge(dst: Tree, src: Tree): Tree {
  for (const [k, v] of Object.entries(src)) {
    const cur = dst[k]
    dst[k] = isTree(v) && isTree(cur) ? deepMerge(cur, v) : isTree(v) ? deepMerge({}, v) : v
  }
  return dst
}

/** buildMessages turns the glob of './<lang>/<file>.ts' modules into one catalog per language. */
export function buildMessages(modules: Record<string, CatalogModule>): Record<string, Tree> {
  const out: Record<string, Tree> = {}
  for (const [path, mod] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    const m = /\/([^/]+)\/([^/]+)\.ts$/.exec(path)
    if (!m) continue
    const [, lang, name] = m
    const cat = (out[lang] ??= {})
    if (mod.default) cat[name] = deepMerge(isTree(cat[name]) ? (cat[name] as Tree) : {}, mod.default)
    if (mod.errors) cat.errors = deepMerge(isTree(cat.errors) ? (cat.errors as Tree) : {}, mod.errors)
  }
  return out
}

/** CORE are the catalog files the sign-in page needs (catalog-zh-CN.ts leaves them out). */
export const CORE = ['common', 'auth', 'desktop']

/** messages holds what is loaded so far: zh-CN's CORE at start, whole languages after loadLocale. */
export const messages = buildMessages(import.meta.glob<CatalogModule>('./zh-CN/{common,auth,desktop}.ts', { eager: true }))

// Each language comes in two chunks: its sign-in page texts (CORE; zh-CN's
// are in the entry bundle) and the rest, so an English visitor on the sign-in
// page fetches only the small one.
const coreLoaders: Record<Locale, () => Promise<{ default: Tree }>> = {
  'zh-CN': () => Promise.resolve({ default: {} }),
  en: () => import('./catalog-en-core'),
}
const loaders: Record<Locale, () => Promise<{ default: Tree }>> = {
  'zh-CN': () => import('./catalog-zh-CN'),
  en: () => import('./catalog-en'),
}
const loading = new Map<string, Promise<void>>()
const loaded = new Set<string>()
let appMode = false // the app's pages are in use: languages load whole

function fetchOnce(key: string, load: () => Promise<{ default: Tree }>, l: Locale): Promise<void> {
  let p = loading.get(key)
  if (!p) {
    p = load().then((m) => {
      messages[l] = deepMerge(messages[l] ?? {}, m.default)
      i18n.global.setLocaleMessage(l, messages[l] as never)
      loaded.add(key)
    })
    // A failed fetch (offline) may be tried again on the next navigation.
    p.catch(() => loading.delete(key))
    loading.set(key, p)
  }
  return p
}

function savedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    if (v && (LOCALES as readonly string[]).includes(v)) return v as Locale
  } catch { /* storage disabled */ }
  // No browser sniffing: the product's language is Chinese unless the user picks English.
  return DEFAULT_LOCALE
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages,
  missingWarn: false,
  fallbackWarn: false,
  messageCompiler: compileMessage,
})

const current = ref<Locale>(i18n.global.locale.value as Locale)
export const currentLocale = computed(() => current.value)

/** loadLocaleCore makes l's sign-in page texts available, fetching them once. */
export function loadLocaleCore(l: Locale): Promise<void> {
  return fetchOnce(l + ':core', coreLoaders[l], l)
}

/** loadLocale makes l's whole catalog available, fetching it once. */
export function loadLocale(l: Locale): Promise<void> {
  return Promise.all([loadLocaleCore(l), fetchOnce(l, loaders[l], l)]).then(() => {})
}

/** loadAppCatalogs loads everything beyond the sign-in page's texts: the rest
 * of zh-CN (also the fallback) and the language in use. */
export function loadAppCatalogs(): Promise<void> {
  appMode = true
  return Promise.all([loadLocale(DEFAULT_LOCALE), loadLocale(current.value)]).then(() => {})
}

/** setLocale switches the UI language and remembers it in this browser; a
 * catalog not loaded yet is fetched first (the switch happens when it is there):
 * the sign-in texts on the sign-in page, the whole language once the app is in use. */
export function setLocale(l: Locale): Promise<void> {
  if (!loaded.has(l + ':core') && l !== DEFAULT_LOCALE) return loadLocaleCore(l).then(() => setLocale(l))
  if (appMode && !loaded.has(l)) return loadLocale(l).then(() => setLocale(l))
  i18n.global.locale.value = l
  current.value = l
  try { localStorage.setItem(STORAGE_KEY, l) } catch { /* storage disabled */ }
  if (typeof document !== 'undefined') document.documentElement.lang = l
  return Promise.resolve()
}

if (typeof document !== 'undefined') document.documentElement.lang = current.value
