// Whether the browser believes it has a network (navigator.onLine and its
// online/offline events): one shared ref, set up on first use.
import { ref, type Ref } from 'vue'

let state: Ref<boolean> | null = null

/** useOnline is true while the browser has a network connection. */
export function useOnline(): Ref<boolean> {
  if (state) return state
  const s = ref(typeof navigator === 'undefined' ? true : navigator.onLine !== false)
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => { s.value = true })
    window.addEventListener('offline', () => { s.value = false })
  }
  state = s
  return s
}
