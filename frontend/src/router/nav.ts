// The main navigation is built from route meta, so a domain adds itself by
// dropping a file in src/router/routes/ with meta.nav: no central list to edit.
import type { RouteRecordRaw } from 'vue-router'

export interface NavItem { path: string; name: string; label: string; icon: string; order: number }

/** allowed reports whether a user with roles may open a route with this meta (admin passes everything). */
export function allowed(meta: RouteRecordRaw['meta'], roles: readonly string[]): boolean {
  if (!meta) return true
  const admin = roles.includes('admin')
  if (meta.admin && !admin) return false
  if (meta.roles?.length && !admin && !meta.roles.some((r) => roles.includes(r))) return false
  return true
}

/** buildNav lists the routes with meta.nav that roles may see, by order then path. */
export function buildNav(routes: readonly RouteRecordRaw[], roles: readonly string[]): NavItem[] {
  const out: NavItem[] = []
  const walk = (rs: readonly RouteRecordRaw[], base: string) => {
    for (const r of rs) {
      const path = r.path.startsWith('/') ? r.path : base.replace(/\/$/, '') + '/' + r.path
      if (r.meta?.nav && allowed(r.meta, roles)) {
        out.push({ path, name: String(r.name ?? path), ...r.meta.nav })
      }
      if (r.children) walk(r.children, path)
    }
  }
  walk(routes, '')
  return out.sort((a, b) => a.order - b.order || a.path.localeCompare(b.path))
}

/** collectRoutes flattens the default exports of src/router/routes/*.ts (glob modules) in file order. */
export function collectRoutes(modules: Record<string, { default?: RouteRecordRaw[] }>): RouteRecordRaw[] {
  return Object.keys(modules).sort().flatMap((k) => modules[k].default ?? [])
}
