// Tack's service worker (hand-written; registered by src/pwa.ts, never in the
// desktop window). It keeps the app shell so a second visit paints at once
// and a dropped connection still shows the app's own offline state:
//   - navigations: the network first (index.html is small and no-cache, so a
//     new release is picked up), the cached shell when the network fails or
//     is slower than NAV_TIMEOUT_MS, a built-in offline page if none is cached;
//   - /assets/*: hashed names never change, so the cache first, filled as
//     they are fetched and from the list the page sends once it is ready;
//   - /api/* and anything not GET or from another origin: never touched, never
//     cached (answers are per user and must not outlive a sign-out).
// Bump VERSION to drop every cache this file made.
const VERSION = 'v1'
const SHELL = 'tack-shell-' + VERSION
const ASSETS = 'tack-assets-' + VERSION
const NAV_TIMEOUT_MS = 3000

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().catch(() => {}).then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const k of await caches.keys()) {
      if (k.startsWith('tack-') && k !== SHELL && k !== ASSETS) await caches.delete(k)
    }
    await self.clients.claim()
  })())
})

// The page lists the hashed files it loaded before this worker controlled it.
self.addEventListener('message', (event) => {
  const d = event.data
  if (!d || d.type !== 'tack.cache' || !Array.isArray(d.urls)) return
  event.waitUntil(cacheAssets(d.urls.filter(isAsset)))
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return
  if (req.mode === 'navigate') event.respondWith(navigate(req))
  else if (isAsset(url.href)) event.respondWith(asset(req))
})

function isAsset(u) {
  try {
    const url = new URL(u, self.location.origin)
    return url.origin === self.location.origin && url.pathname.startsWith('/assets/')
  } catch { return false }
}

// cacheShell stores index.html and the files it names (entry script,
// stylesheet, preloads).
async function cacheShell() {
  const res = await fetch('/', { cache: 'no-cache' })
  if (!res.ok) return
  const html = await res.clone().text()
  await (await caches.open(SHELL)).put('/', res)
  const urls = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
  await cacheAssets(urls)
}

async function cacheAssets(urls) {
  const c = await caches.open(ASSETS)
  await Promise.all(urls.map(async (u) => {
    if (await c.match(u)) return
    try {
      const res = await fetch(u)
      if (res.ok) await c.put(u, res)
    } catch { /* offline: next time */ }
  }))
}

async function navigate(req) {
  const cache = await caches.open(SHELL)
  const net = fetch(req).then(async (res) => {
    // Every client-side route answers index.html; keep the newest.
    if (res.ok && (res.headers.get('Content-Type') || '').startsWith('text/html')) await cache.put('/', res.clone())
    return res
  })
  const cached = await cache.match('/')
  if (!cached) return net.catch(offlinePage)
  // A slow network must not hold the page blank: the shell answers after a while.
  const late = new Promise((resolve) => setTimeout(() => resolve(cached), NAV_TIMEOUT_MS))
  return Promise.race([net.catch(() => cached), late])
}

async function asset(req) {
  const c = await caches.open(ASSETS)
  const hit = await c.match(req)
  if (hit) return hit
  const res = await fetch(req)
  if (res.ok) await c.put(req, res.clone())
  return res
}

// offlinePage answers a navigation when neither the server nor the cache has
// the shell (the first visit was cut short): both languages, since the
// user's choice lives in the app that could not load.
function offlinePage() {
  const html = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Tack</title>' +
    '<style>body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f7fa;color:#1f2d3d;' +
    'display:flex;min-height:100vh;align-items:center;justify-content:center;text-align:center}main{padding:24px}</style></head>' +
    '<body><main data-test="offline"><h1>无法连接到 Tack</h1><p>请检查网络连接，恢复后刷新此页。</p>' +
    '<p lang="en">You are offline. Check the connection and reload this page.</p></main></body></html>'
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } })
}
