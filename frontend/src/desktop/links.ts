// Links to other sites never open inside the desktop window. The window's
// pages can talk to the shell (Wails hands its message channel to whatever
// page the webview shows, whatever its origin), so a page from another site
// there could call the bindings; and the webview opens no new windows, so a
// target=_blank link (a meeting's online URL, a link in an announcement)
// would otherwise do nothing. An http(s) link to another origin goes to the
// system browser instead; any other scheme (javascript:, file:, ...) is
// dropped. In a plain browser (no Wails runtime) links behave as usual.

interface WailsRuntime {
  BrowserOpenURL(url: string): void
}

function shell(): WailsRuntime | undefined {
  return (window as unknown as { runtime?: WailsRuntime }).runtime
}

function follow(e: MouseEvent) {
  const rt = shell()
  if (!rt?.BrowserOpenURL || e.defaultPrevented) return
  const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null
  if (!a) return
  let url: URL
  try {
    url = new URL(a.getAttribute('href') ?? '', location.href)
  } catch {
    e.preventDefault()
    return
  }
  // The window's own scheme (wails://) has an opaque origin: compare scheme and host.
  if (url.protocol === location.protocol && url.host === location.host) return
  e.preventDefault()
  if (url.protocol === 'http:' || url.protocol === 'https:') rt.BrowserOpenURL(url.href)
}

/** keepLinksInApp installs the rule on the document (once, at start-up). */
export function keepLinksInApp(doc: Document = document) {
  doc.addEventListener('click', follow, true)
  doc.addEventListener('auxclick', follow, true)
}
