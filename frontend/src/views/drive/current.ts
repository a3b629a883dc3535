// Which space the open drive page belongs to, for the side list's highlight.
import { ref } from 'vue'

export const currentSpace = ref('')
