// Every section's top-level page is drawn in PageFrame (components/PageFrame.vue):
// this reads each routes file, takes the views of the top-level routes (children
// render inside their parent's frame) and fails on a view whose source has no
// <PageFrame. The exempt pages are listed with the reason.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const routesDir = join(here, 'routes')

/** EXEMPT: view (relative to src/views) → why it is not in the page frame. */
const EXEMPT: Record<string, string> = {
  'auth/LoginView.vue': 'sign-in card on the bare auth layout, no shell',
  'auth/SetupView.vue': 'first-run setup on the bare auth layout',
  'auth/ChangePasswordView.vue': 'forced password change on the bare auth layout',
  'approvals/PrintView.vue': 'a printed document, no page chrome',
  'desktop/ConnectView.vue': 'the desktop client picks its server before any sign-in, bare layout',
  'chat/ChatView.vue': 'full-bleed messenger: list and pane fill the height under the header and scroll themselves; no title row, the page padding would push it past the viewport',
}

/** dropChildren removes every `children: [ ... ]` block, so only top-level routes remain. */
export function dropChildren(src: string): string {
  let out = ''
  let i = 0
  for (;;) {
    const at = src.indexOf('children:', i)
    if (at < 0) return out + src.slice(i)
    out += src.slice(i, at)
    let j = src.indexOf('[', at)
    let depth = 0
    for (; j < src.length; j++) {
      if (src[j] === '[') depth++
      else if (src[j] === ']' && --depth === 0) break
    }
    i = j + 1
  }
}

/** topLevelViews lists the view files (relative to src/views) the top-level routes load. */
function topLevelViews(): string[] {
  const views = new Set<string>()
  for (const f of readdirSync(routesDir).filter((n) => n.endsWith('.ts') && !n.includes('.test.'))) {
    const src = dropChildren(readFileSync(join(routesDir, f), 'utf8'))
    for (const m of src.matchAll(/import\('\.\.\/\.\.\/views\/([^']+)'\)(\.then\(\(m\) => m\.(\w+)\(\)\))?/g)) {
      let view = m[1]
      if (!view.endsWith('.vue')) { // a lazy hop (attendance/rotaRoute): follow it to the .vue it loads
        const hop = readFileSync(resolve(here, '../views', view + '.ts'), 'utf8')
        const inner = hop.match(new RegExp(`${m[3]} = \\(\\) => import\\('\\./([^']+\\.vue)'\\)`))
        expect(inner, `lazy hop ${view} names its view`).not.toBeNull()
        view = join(dirname(view), inner![1])
      }
      views.add(view)
    }
  }
  return [...views].sort()
}

const usesFrame = (view: string) => /<PageFrame[\s>]/.test(readFileSync(resolve(here, '../views', view), 'utf8'))

describe('page frame', () => {
  const views = topLevelViews()

  it('finds the routed views (children left to their parent)', () => {
    expect(views.length).toBeGreaterThan(30)
    expect(views).toContain('approvals/InboxView.vue')
    expect(views).toContain('attendance/RotaView.vue')
    expect(views).toContain('org/AdminView.vue')
    expect(views).not.toContain('org/AdminUsers.vue') // drawn inside AdminView's frame
  })

  it('every routed section view uses PageFrame', () => {
    const missing = views.filter((v) => !(v in EXEMPT) && !usesFrame(v))
    expect(missing).toEqual([])
  })

  it('the exemptions are routed views that really have no frame', () => {
    for (const v of Object.keys(EXEMPT)) {
      expect(views, v).toContain(v)
      expect(usesFrame(v), v).toBe(false)
    }
  })

  it('dropChildren keeps the parent and drops nested routes', () => {
    const src = `[{ path: '/a', component: A, children: [{ path: 'b', children: [{ path: 'c' }] }] }, { path: '/d' }]`
    expect(dropChildren(src)).toBe(`[{ path: '/a', component: A,  }, { path: '/d' }]`)
  })
})
