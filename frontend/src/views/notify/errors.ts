// Translate an API error for display: errors.<key>, falling back to the English message.
import type { Composer } from 'vue-i18n'

export function errorText(t: Composer['t'], te: Composer['te'], e: unknown): string {
  const err = e as { key?: string; message?: string }
  if (err?.key && te('errors.' + err.key)) return t('errors.' + err.key)
  return err?.message ?? String(e)
}
