// Where a navigation may go: the desktop connect screen while the window has
// no server, the first-run setup while the workspace has no company, the
// login page while nobody is signed in, the new-password page while a reset
// password must be replaced, and admin pages only for admins.
import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router'
import { setUnauthorizedHandler } from '../api/client'
import { useSession } from '../stores/session'
import { allowed } from './nav'
import { i18n, loadAppCatalogs } from '../locales'

type Decision = true | RouteLocationRaw

/** safeNext keeps a ?next= redirect inside the app (no //evil.example). */
export function safeNext(v: unknown): string {
  const s = typeof v === 'string' ? v : ''
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/login') ? s : '/'
}

export async function decide(to: RouteLocationNormalized): Promise<Decision> {
  const s = useSession()
  await s.load()
  const desktopPage = to.path.startsWith('/desktop')
  if (s.notConnected) return desktopPage ? true : '/desktop/connect'
  // Offline with no session known: stay on the address (App shows the
  // offline state over it) so reconnecting continues where the user was.
  if (s.unreachable && !s.signedIn) return true
  if (s.setupNeeded) return to.name === 'setup' || desktopPage ? true : '/setup'
  if (to.name === 'setup') return s.signedIn ? '/' : '/login'
  if (to.name === 'login' && s.signedIn) return safeNext(to.query.next)
  if (to.meta.public) return true
  if (!s.signedIn) return { path: '/login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
  if (s.me?.must_change_password) {
    return to.name === 'change-password' ? true : { name: 'change-password', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
  }
  if (to.name === 'change-password') return '/'
  if (!allowed(to.meta, s.roles)) return '/'
  return true
}

export function installGuard(router: Router) {
  // Every page but the sign-in page needs the whole catalog (a fetch the
  // first time; offline, the page shows without it rather than not at all).
  router.beforeEach(async (to) => {
    if (to.name !== 'login') await loadAppCatalogs().catch(() => {})
    return decide(to)
  })
  router.afterEach((to) => {
    const key = to.meta.title ?? to.meta.nav?.label
    const name = key ? i18n.global.t(key) : ''
    document.title = name ? `${name} · Tack` : 'Tack'
  })
  // A session that ends while the page is open (expired, signed out elsewhere,
  // account deactivated) sends the user to sign in and back afterwards.
  setUnauthorizedHandler(() => {
    const s = useSession()
    const cur = router.currentRoute.value
    if (cur.meta.public) return
    s.me = null
    void router.replace({ path: '/login', query: { next: cur.fullPath } })
  })
}
