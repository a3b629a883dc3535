// @vitest-environment node
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { elementPlusOnDemand } from './elementPlusOnDemand'

type Transform = (code: string, id: string) => { code: string } | null
const transform = elementPlusOnDemand().transform as unknown as Transform

describe('elementPlusOnDemand', () => {
  it('imports each resolved component and its stylesheet', () => {
    const code = 'const _component_el_table_column = _resolveComponent("el-table-column")\n' +
      'const _component_el_button = _resolveComponent("ElButton")\n' +
      'const _directive_loading = _resolveDirective("loading")\n' +
      'const _component_router_view = _resolveComponent("router-view")\n'
    const out = transform(code, '/src/views/X.vue')!.code
    expect(out).toContain("import { ElTableColumn as __ep_ElTableColumn } from 'element-plus/es';")
    expect(out).toContain("import 'element-plus/es/components/table-column/style/css';")
    expect(out).toContain("import { ElButton as __ep_ElButton } from 'element-plus/es';")
    expect(out).toContain("import 'element-plus/es/components/button/style/css';")
    expect(out).toContain("import { vLoading as __ep_vLoading } from 'element-plus/es';")
    expect(out).not.toMatch(/_resolveComponent\("el-|_resolveComponent\("El|_resolveDirective\("loading"\)/)
    // Not an Element Plus component: left to Vue.
    expect(out).toContain('_resolveComponent("router-view")')
  })
  it('leaves non-.vue modules and modules without Element Plus alone', () => {
    expect(transform('_resolveComponent("el-button")', '/src/a.ts')).toBeNull()
    expect(transform('const x = 1', '/src/A.vue')).toBeNull()
  })
})

// The skeleton is plain markup inside #app (Vue replaces it on mount) and the
// page has no inline script, which the CSP (script-src 'self') would block.
describe('index.html app shell', () => {
  const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8')
  it('paints a skeleton inside #app without any script', () => {
    expect(html).toMatch(/<div id="app"><div class="tk-boot" data-test="app-shell"/)
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts).toEqual(['<script type="module" src="/src/main.ts">'])
  })
})

// build/buttonWithoutCustomColor.ts gives ElButton a `color` that does
// nothing: no template may rely on it.
describe('buttonWithoutCustomColor', () => {
  it('no <el-button> sets color', () => {
    const files = Object.entries(import.meta.glob<string>('../src/**/*.vue', { query: '?raw', import: 'default', eager: true }))
    expect(files.length).toBeGreaterThan(50)
    const offenders = files.filter(([, src]) => /<el-button\b[^>]*\s:?color=/.test(src)).map(([f]) => f)
    expect(offenders).toEqual([])
  })
})
