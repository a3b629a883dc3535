// The spaces the signed-in user can open, shared by every drive view (the
// side list, pickers, search results' locations). Loaded once, reloaded
// after a change (a new project space, an upload that changes the quota).
import { computed, ref } from 'vue'
import { driveApi, type Space, type SpaceKind } from '@/api/drive'

const spaces = ref<Space[]>([])
const loaded = ref(false)
const loading = ref(false)
let inflight: Promise<void> | null = null

export const KIND_ORDER: SpaceKind[] = ['personal', 'company', 'department', 'project', 'archive']

export function useSpaces() {
  async function load(force = false) {
    if (loaded.value && !force) return
    if (inflight) return inflight
    loading.value = true
    inflight = driveApi.spaces().then((s) => { spaces.value = s; loaded.value = true }).finally(() => { loading.value = false; inflight = null })
    return inflight
  }
  const byId = computed(() => new Map(spaces.value.map((s) => [s.id, s])))
  const personal = computed(() => spaces.value.find((s) => s.kind === 'personal'))
  const groups = computed(() => KIND_ORDER.map((kind) => ({ kind, items: spaces.value.filter((s) => s.kind === kind) }))
    .filter((g) => g.items.length > 0))
  return { spaces, loaded, loading, load, byId, personal, groups }
}

/** spaceLabel is what a space is called in the UI: the personal space is "My files". */
export function spaceLabel(t: (k: string) => string, s: Space | undefined): string {
  if (!s) return ''
  return s.kind === 'personal' ? t('drive.myFiles') : s.name
}
