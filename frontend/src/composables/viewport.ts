// useViewport is the one place that decides "phone or not": every view asks it
// instead of measuring, so the layout, card lists and full-screen dialogs all
// switch at the same width. One matchMedia listener is shared by all callers.
import { readonly, ref, watch, type Ref } from 'vue'

/** PHONE_MAX is the widest viewport (CSS px) laid out as a phone. */
export const PHONE_MAX = 480
export const PHONE_QUERY = `(max-width: ${PHONE_MAX}px)`

const phone = ref(false)
let mql: MediaQueryList | undefined

function attach() {
  if (mql || typeof window === 'undefined' || !window.matchMedia) return
  mql = window.matchMedia(PHONE_QUERY)
  phone.value = mql.matches
  mql.addEventListener('change', (e) => { phone.value = e.matches })
}

/** useViewport returns isPhone, true while the viewport is ≤ PHONE_MAX wide. */
export function useViewport(): { isPhone: Readonly<Ref<boolean>> } {
  attach()
  return { isPhone: readonly(phone) }
}

/** resetViewportForTest drops the shared listener so a test can install another matchMedia. */
export function resetViewportForTest() { mql = undefined; phone.value = false }

const COLLAPSED_KEY = 'tack.nav.collapsed'

/** useNavCollapsed is the desktop menu's folded state, remembered in localStorage. */
export function useNavCollapsed(): Ref<boolean> {
  let initial = false
  try { initial = localStorage.getItem(COLLAPSED_KEY) === '1' } catch { /* storage off: start open */ }
  const c = ref(initial)
  watch(c, (v) => { try { localStorage.setItem(COLLAPSED_KEY, v ? '1' : '0') } catch { /* not remembered */ } }, { flush: 'sync' })
  return c
}
