// Stands in for element-plus' button-custom.mjs in the build
// (buttonWithoutCustomColor.ts): buttons are coloured by type, never by `color`.
import { computed } from 'vue'

export function useButtonCustomStyle(_props: { color?: string }) {
  return computed(() => ({}))
}
