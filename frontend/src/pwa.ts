// The installable web app: registers public/sw.js (which keeps the app shell
// for a second visit and for a dropped connection) in a browser, never in
// the desktop window, whose pages come from the binary itself and whose
// scheme (wails://, http://wails.localhost) must not get a worker that would
// outlive a switch of team server.

/** inDesktopWindow tells the Wails window from a browser. */
export function inDesktopWindow(w: Window = window): boolean {
  const host = w.location.hostname
  return w.location.protocol === 'wails:' || host === 'wails.localhost' || host === 'wails' ||
    'WailsInvoke' in w || 'runtime' in w || 'wails' in w
}

/** registerServiceWorker installs the worker once the page has loaded, then
 * hands it the hashed files this page fetched before the worker controlled
 * it, so they are there for the next visit. */
export function registerServiceWorker(w: Window = window) {
  // Browsers allow workers on secure origins only (https, localhost): a
  // plain-HTTP LAN server simply has none.
  if (!import.meta.env.PROD || !w.isSecureContext || !('serviceWorker' in w.navigator) || inDesktopWindow(w)) return
  const start = () => {
    w.navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(() => w.navigator.serviceWorker.ready).then((reg) => {
      const urls = w.performance.getEntriesByType('resource').map((e) => e.name)
        .filter((u) => u.startsWith(w.location.origin + '/assets/'))
      reg.active?.postMessage({ type: 'tack.cache', urls })
    }).catch(() => { /* no worker: the app works as before, only not offline */ })
  }
  if (w.document.readyState === 'complete') start()
  else w.addEventListener('load', start, { once: true })
}
