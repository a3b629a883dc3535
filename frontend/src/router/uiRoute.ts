// uiRoute reports whether a link the server sent (a notification's) is a
// route of this UI: a path of this origin ("/approvals/x"), not another site
// ("//host", "https:", "javascript:"), and not /api/ (in the desktop window
// the /api proxy would show the server's answer as a page of the app's own
// origin, the one that may call the desktop bindings) or the Wails runtime.
// The path is compared as the browser resolves it (dot segments,
// percent-escapes). The desktop shell applies the same rule to OS
// notifications (app/notifier.go uiRoute).
export function uiRoute(link: string | null | undefined): link is string {
  if (!link || !link.startsWith('/') || link.startsWith('//') || /[\\\u0000-\u001f\u007f-\u009f]/.test(link)) return false
  let path: string
  try {
    const u = new URL(link, 'http://ui.invalid')
    if (u.origin !== 'http://ui.invalid') return false
    path = decodeURIComponent(u.pathname).toLowerCase()
  } catch {
    return false
  }
  return !['/api', '/wails'].some((bad) => path === bad || path.startsWith(bad + '/'))
}
