// Drive errors for display: errors.<key> translated; a drive.name_invalid
// answer also says what is wrong with the name (its fields.name problem).
import { errorText } from '@/composables/apiErrors'
import { isApiError } from '@/api/client'

type T = (key: string, named?: Record<string, unknown>) => string
type TE = (key: string) => boolean

export function driveErrorText(t: T, te: TE, e: unknown): string {
  const base = errorText(t, te, e)
  if (isApiError(e)) {
    const p = e.fields.name
    if (e.key === 'drive.name_invalid' && p && te('drive.nameProblem.' + p)) return `${base}：${t('drive.nameProblem.' + p)}`
  }
  return base
}

/** isAbort reports whether e is a cancelled request (nothing to show). */
export function isAbort(e: unknown): boolean {
  return (e as { name?: string } | null)?.name === 'AbortError'
}
