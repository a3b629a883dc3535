// The one way the UI talks to the server: fetch to /api/v1 with the session
// cookie (same origin in the browser and in the desktop window, where the
// Wails asset server forwards /api). Every request carries X-Tack-Request: 1
// because the server refuses unsafe cookie-authenticated requests without it
// (a cross-site form cannot set a custom header). Errors become ApiError with
// the server's {code,key,message,fields}, so views translate errors.<key> and
// show fields next to their inputs.

/** The error body of docs/ARCHITECTURE.md (Errors): {"error":{code,key,message,fields}}. */
export interface ErrorDetail {
  code: string
  key?: string
  message: string
  fields?: Record<string, string>
}

/** A failed API call. key is the i18n key under errors.; fields maps a request field to a problem such as "required". */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly key: string
  readonly fields: Record<string, string>

  constructor(status: number, detail: ErrorDetail) {
    super(detail.message || detail.code)
    this.name = 'ApiError'
    this.status = status
    this.code = detail.code
    this.key = detail.key ?? ''
    this.fields = detail.fields ?? {}
  }
}

/** Page is one page of a list answer; next_cursor is '' on the last page (pass it back as ?cursor=). */
export interface Page<T> { items: T[]; next_cursor: string }

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

// Status → code for bodies that are not ours (a proxy's HTML page, a dropped connection).
const codeByStatus: Record<number, string> = {
  400: 'invalid', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict',
  413: 'too_large', 429: 'rate_limited', 503: 'unavailable',
}

/** toApiError maps a status and a parsed (or raw text) body to an ApiError. */
export function toApiError(status: number, body: unknown): ApiError {
  const d = (body as { error?: Partial<ErrorDetail> } | null)?.error
  if (d && typeof d === 'object' && typeof d.code === 'string') {
    return new ApiError(status, { code: d.code, key: d.key, message: d.message ?? '', fields: d.fields ?? undefined })
  }
  const code = codeByStatus[status] ?? (status >= 500 ? 'internal' : 'invalid')
  const text = typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : `HTTP ${status}`
  return new ApiError(status, { code, key: status >= 500 ? 'internal' : '', message: text })
}

// Called on a 401 from any call except sign-in itself; the router installs a
// handler that sends the user to /login?next=<where they were>.
type UnauthorizedHandler = (err: ApiError) => void
let onUnauthorized: UnauthorizedHandler = () => {
  const here = window.location.pathname + window.location.search
  if (!here.startsWith('/login')) window.location.assign('/login?next=' + encodeURIComponent(here))
}

export function setUnauthorizedHandler(fn: UnauthorizedHandler) {
  onUnauthorized = fn
}

// These answer 401 as part of their normal flow (wrong password, TOTP code
// needed) or are asked before anyone signs in: never redirect for them.
function redirectsOn401(path: string): boolean {
  return !/^\/api\/v1\/(auth\/|setup)/.test(path)
}

export interface RequestOptions {
  signal?: AbortSignal
  headers?: Record<string, string>
  /** Do not run the 401 redirect (callers that handle "not signed in" themselves, e.g. the route guard). */
  quiet401?: boolean
}

function isRawBody(b: unknown): b is BodyInit {
  return (typeof FormData !== 'undefined' && b instanceof FormData) || (typeof Blob !== 'undefined' && b instanceof Blob) ||
    b instanceof ArrayBuffer || ArrayBuffer.isView(b) || (typeof URLSearchParams !== 'undefined' && b instanceof URLSearchParams)
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined
  const text = await res.text()
  if (!text) return undefined
  if ((res.headers.get('Content-Type') ?? '').includes('json')) {
    try { return JSON.parse(text) } catch { return text }
  }
  return text
}

function failed(status: number, body: unknown, path: string, opts: RequestOptions): ApiError {
  const err = toApiError(status, body)
  if (status === 401 && !opts.quiet401 && redirectsOn401(path)) onUnauthorized(err)
  return err
}

/** request sends one API call. JSON bodies are encoded; FormData, Blob and bytes are sent as they are. */
export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Tack-Request': '1', ...opts.headers }
  let payload: BodyInit | undefined
  if (body !== undefined && body !== null) {
    if (isRawBody(body)) payload = body
    else { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json' }
  }
  for (let attempt = 0; ; attempt++) {
    let res: Response
    try {
      res = await fetch(path, { method, credentials: 'same-origin', headers, body: payload, signal: opts.signal })
    } catch (e) {
      if ((e as { name?: string })?.name === 'AbortError') throw e
      throw new ApiError(0, { code: 'network', key: 'network', message: String((e as Error)?.message ?? e) })
    }
    const data = await readBody(res)
    if (res.ok) return data as T
    const err = failed(res.status, data, path, opts)
    // 503 "busy": the server's write queue was full and it did nothing; try
    // again after a jittered share of Retry-After, a few times.
    if (res.status !== 503 || err.key !== 'busy' || attempt >= busyRetries) throw err
    const wait = Math.min(Number(res.headers.get('Retry-After')) || 1, 5) * 1000 * (0.25 + 0.75 * Math.random())
    await new Promise((resolve) => setTimeout(resolve, wait))
    if (opts.signal?.aborted) throw new DOMException('aborted', 'AbortError')
  }
}

/** busyRetries is how often request() repeats a write the server refused as busy (503 "busy"). */
export const busyRetries = 3

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body ?? {}, opts),
  del: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('DELETE', path, body, opts),
  /** raw returns the Response itself (downloads, Range reads) after the same error mapping. */
  raw: async (method: string, path: string, init: RequestInit = {}, opts: RequestOptions = {}): Promise<Response> => {
    const headers = new Headers(init.headers)
    headers.set('X-Tack-Request', '1')
    const res = await fetch(path, { ...init, method, credentials: 'same-origin', headers })
    if (!res.ok) throw failed(res.status, await readBody(res), path, opts)
    return res
  },
}

export interface UploadOptions {
  method?: string
  headers?: Record<string, string>
  signal?: AbortSignal
}

/**
 * uploadWithProgress sends body with XMLHttpRequest, because fetch reports no
 * upload progress; onProgress gets (sent, total) bytes. Same headers and error
 * mapping as request().
 */
export function uploadWithProgress<T>(url: string, body: XMLHttpRequestBodyInit, onProgress?: (sent: number, total: number) => void,
  opts: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(opts.method ?? 'POST', url)
    xhr.withCredentials = false // same origin: the cookie goes anyway
    xhr.setRequestHeader('X-Tack-Request', '1')
    xhr.setRequestHeader('Accept', 'application/json')
    for (const [k, v] of Object.entries(opts.headers ?? {})) xhr.setRequestHeader(k, v)
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0)
    xhr.onerror = () => reject(new ApiError(0, { code: 'network', key: 'network', message: 'network error' }))
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'))
    xhr.onload = () => {
      let data: unknown = xhr.responseText
      if ((xhr.getResponseHeader('Content-Type') ?? '').includes('json') && xhr.responseText) {
        try { data = JSON.parse(xhr.responseText) } catch { /* keep text */ }
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve((xhr.responseText ? data : undefined) as T)
      else reject(failed(xhr.status, data, url, {}))
    }
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(body)
  })
}
