// Mounting a view for a component test: real i18n (zh-CN), Element Plus,
// a fresh Pinia and a memory router with the app's routes.
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { Component } from 'vue'
import { vi } from 'vitest'
import { i18n, setLocale } from '../locales'

export function memoryRouter(): Router {
  const stub = { template: '<div />' }
  return createRouter({ history: createMemoryHistory(), routes: [
    { path: '/', component: stub }, { path: '/login', name: 'login', component: stub }, { path: '/setup', name: 'setup', component: stub },
    { path: '/contacts', component: stub }, { path: '/meetings/:id', component: stub },
  ] })
}

export async function mountView(view: Component, at = '/') {
  setLocale('zh-CN')
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = memoryRouter()
  await router.push(at)
  await router.isReady()
  const wrapper = mount(view, { global: { plugins: [pinia, i18n, ElementPlus, router], stubs: { transition: false, 'transition-group': false } }, attachTo: document.body })
  return { wrapper, router }
}

/** fetchReplies answers successive fetch calls with the given [status, body] pairs and records the requests. */
// The desktop client download link (components/ClientDownload.vue) asks for
// the builds in the background on the login and folder sync pages: the
// helpers answer "none" aside, so a test's replies and calls are its own.
const CLIENTS = '/api/v1/clients'
const noClients = () => new Response(JSON.stringify({ releases: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } })

export function fetchReplies(...replies: [number, unknown][]) {
  const calls: { path: string; body: unknown }[] = []
  const f = vi.fn(async (path: string, init?: RequestInit) => {
    if (path === CLIENTS) return noClients()
    calls.push({ path, body: init?.body ? JSON.parse(String(init.body)) : undefined })
    const [status, body] = replies.shift() ?? [500, { error: { code: 'internal', key: 'internal', message: 'unexpected call' } }]
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  })
  vi.stubGlobal('fetch', f)
  return calls
}

/**
 * fetchRoutes answers fetch by "METHOD /path" (the query left off) from table,
 * for views that ask several things at once; anything else is a 404. It
 * records each request: method, full path (with its query) and JSON body.
 */
export function fetchRoutes(table: Record<string, [number, unknown] | (() => [number, unknown])>) {
  const calls: { method: string; path: string; body: unknown }[] = []
  vi.stubGlobal('fetch', vi.fn(async (path: string, init?: RequestInit) => {
    if (path === CLIENTS && !table['GET ' + CLIENTS]) return noClients()
    const method = init?.method ?? 'GET'
    // A multipart body (a photo) is recorded as the FormData itself.
    const raw = init?.body
    calls.push({ method, path, body: raw instanceof FormData ? raw : raw ? JSON.parse(String(raw)) : undefined })
    const r = table[method + ' ' + path.split('?')[0]]
    const [status, body] = (typeof r === 'function' ? r() : r) ?? [404, { error: { code: 'not_found', key: 'not_found', message: method + ' ' + path } }]
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }))
  return calls
}

/** typeInto sets the value of the input at (or under) sel anywhere in the page (dialogs are teleported to body) as typing would. */
export function typeInto(sel: string, value: string) {
  // Element Plus puts data-test on the <input> of an el-input, but on the wrapper of most other inputs.
  const hit = document.querySelector(sel)
  const el = (hit?.matches('input, textarea') ? hit : hit?.querySelector('input, textarea')) as HTMLInputElement | null
  if (!el) throw new Error('no input at ' + sel)
  el.value = value
  el.dispatchEvent(new Event('input'))
}

export const flush = () => new Promise((r) => setTimeout(r, 0))

/** settle waits for the fetch promises, Vue's updates and Element Plus' form-item error, which shows after a 100 ms debounce. */
export async function settle() {
  for (let i = 0; i < 4; i++) await flush()
  await new Promise((r) => setTimeout(r, 150))
  await flush()
}
