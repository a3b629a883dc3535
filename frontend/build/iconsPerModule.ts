// @element-plus/icons-vue ships its ~300 icons as one ES module. A module is
// never split between chunks, so the union of every icon the app uses (the
// shell's, each page's, Element Plus' own) ended up in one shared chunk that
// the login page loaded too (37 KB). This plugin serves the package as a
// barrel of one virtual module per icon, cut from the same file, so each
// chunk carries only the icons it renders. Build only: tests and the dev
// server use the package as it is.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'

const PKG = '@element-plus/icons-vue'
const BARREL = '\0tack-ep-icons'
const ONE = '\0tack-ep-icon:'

interface Icon { code: string; local: string }

/** splitIcons cuts the package's index into one source per exported name. */
export function splitIcons(src: string): Map<string, Icon> {
  const parts = src.split(/\n(?=\/\/ src\/components\/[a-z0-9-]+\.vue\n)/)
  const byLocal = new Map<string, string>()
  for (const part of parts) {
    const m = /, ([a-z0-9_]+_default) = _sfc_main\d*;/.exec(part)
    if (m) byLocal.set(m[1], part.replace(/\nexport \{[\s\S]*$/, ''))
  }
  const exp = /export \{([\s\S]*?)\};?\s*$/.exec(src)
  if (!exp) throw new Error('iconsPerModule: no export list in ' + PKG)
  const out = new Map<string, Icon>()
  for (const item of exp[1].split(',')) {
    const m = /^\s*([a-z0-9_]+_default) as (\w+)\s*$/.exec(item)
    if (!m) continue
    const code = byLocal.get(m[1])
    if (code) out.set(m[2], { code, local: m[1] })
  }
  return out
}

export function iconsPerModule(): Plugin {
  let icons: Map<string, Icon> | null = null
  const load = () => {
    if (icons) return icons
    const req = createRequire(import.meta.url)
    const file = req.resolve(PKG).replace(/index\.cjs$/, 'index.js')
    icons = splitIcons(readFileSync(file, 'utf8'))
    if (icons.size < 200) throw new Error(`iconsPerModule: found only ${icons.size} icons in ${file}`)
    return icons
  }
  return {
    name: 'tack-icons-per-module',
    apply: 'build',
    enforce: 'pre',
    resolveId(id) {
      if (id === PKG) return BARREL
      if (id.startsWith(ONE)) return id
      return null
    },
    load(id) {
      if (id === BARREL) {
        return [...load().keys()].map((n) => `export { default as ${n} } from '${ONE}${n}';`).join('\n')
      }
      if (id.startsWith(ONE)) {
        const icon = load().get(id.slice(ONE.length))
        if (!icon) return null
        return `${icon.code}\nexport default ${icon.local};\n`
      }
      return null
    },
  }
}
