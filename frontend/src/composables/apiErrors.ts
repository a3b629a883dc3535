// Showing API errors: the whole-request message translated from errors.<key>,
// and each field problem next to its input. A field problem ("duplicate" on
// "email") reads, most specific first: <domain>.fieldErr.<field>.<problem>
// ("该邮箱已被使用"), then <domain>.field.<problem>, then common.field.<problem>.
// Nested field names such as "admin.email" (setup) use their last segment.
import { ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { isApiError } from '../api/client'

type T = (key: string, named?: Record<string, unknown>) => string
type TE = (key: string) => boolean

/** errorText is the translated message of any thrown value (ApiError or not); the error's fields fill the message's placeholders ({max_items}). */
export function errorText(t: T, te: TE, e: unknown): string {
  const err = e as { key?: string; message?: string } | null
  if (err?.key && te('errors.' + err.key)) return t('errors.' + err.key, isApiError(e) ? e.fields : {})
  if (isApiError(e) && e.status >= 500) return t('errors.internal')
  return err?.message || String(e)
}

/** fieldText translates one field problem (see the file comment for the lookup order). */
export function fieldText(t: T, te: TE, domain: string, field: string, problem: string): string {
  const leaf = field.split('.').pop() ?? field
  for (const k of [`${domain}.fieldErr.${leaf}.${problem}`, `${domain}.field.${problem}`, `common.field.${problem}`]) {
    if (te(k)) return t(k)
  }
  return problem
}

export function useApiErrors(domain: string) {
  const { t, te } = useI18n()
  const fields = ref<Record<string, string>>({})
  const message = ref('')

  function clear() { fields.value = {}; message.value = '' }

  /** take records e: its fields go next to inputs; the message shows only when no field explains it. */
  function take(e: unknown): string {
    fields.value = isApiError(e) ? { ...e.fields } : {}
    message.value = errorText(t, te, e)
    return message.value
  }

  /** fieldError is the translated problem of field, or '' (bind to el-form-item :error). */
  function fieldError(field: string): string {
    const p = fields.value[field]
    return p ? fieldText(t, te, domain, field, p) : ''
  }

  const hasFields = () => Object.keys(fields.value).length > 0

  /**
   * clearOnEdit drops a field's error as soon as the user changes that field
   * (form is the reactive form object; nested objects map to "admin.email").
   */
  function clearOnEdit(form: () => Record<string, unknown>) {
    const flat = (o: Record<string, unknown>, p = ''): Record<string, string> => Object.fromEntries(Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(flat(v as Record<string, unknown>, p + k + '.')) : [[p + k, JSON.stringify(v)]]))
    let before = flat(form())
    watch(form, (now) => {
      const after = flat(now)
      const changed = Object.keys(after).filter((k) => after[k] !== before[k])
      before = after
      if (!changed.some((k) => k in fields.value)) return
      const next = { ...fields.value }
      for (const k of changed) delete next[k]
      fields.value = next
    }, { deep: true })
  }

  return { fields, message, clear, take, fieldError, hasFields, clearOnEdit }
}
