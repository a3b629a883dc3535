// ElButton's `color` prop (a custom colour with computed hover and active
// shades) pulls in @ctrl/tinycolor — 6.5 KB gzip, on every page with a
// button, the sign-in page included. The app never sets `color` on a button
// (build.test.ts checks every template), so in the build ElButton gets a
// useButtonCustomStyle that adds no styles. The colour picker and menu, which
// really use tinycolor, keep it in their own chunks.
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'

const IMPORTER = /element-plus\/es\/components\/button\/src\/button\.vue_vue_type_script_setup_true_lang\.mjs$/
const STUB = fileURLToPath(new URL('./buttonCustomStyleNone.ts', import.meta.url))

export function buttonWithoutCustomColor(): Plugin {
  let replaced = false
  return {
    name: 'tack-button-without-custom-color',
    apply: 'build',
    enforce: 'pre',
    buildStart() { replaced = false },
    resolveId(id, importer) {
      if (id !== './button-custom.mjs' || !importer || !IMPORTER.test(importer.split('?')[0])) return null
      replaced = true
      return STUB
    },
    buildEnd(err) {
      // A new Element Plus that moved the file would silently bring tinycolor back.
      if (!err && !replaced) this.warn('buttonWithoutCustomColor: ElButton no longer imports ./button-custom.mjs; the stub is not used')
    },
  }
}
