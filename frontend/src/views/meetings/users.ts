// A small shared cache of user names for the meetings views.
import { reactive } from 'vue'
import { meetingsApi, type UserLite } from '@/api/meetings'

const cache = reactive<Record<string, UserLite>>({})
let loaded: Promise<void> | null = null

export function useUsers() {
  if (!loaded) {
    loaded = meetingsApi.users().then((us) => { for (const u of us) cache[u.id] = u }).catch(() => { loaded = null })
  }
  const name = (id: string) => cache[id]?.name ?? id
  const ensure = async (ids: string[]) => {
    await loaded
    await Promise.all(ids.filter((id) => id && !cache[id]).map((id) =>
      meetingsApi.user(id).then((u) => { cache[u.id] = u }).catch(() => undefined)))
  }
  const search = async (q: string) => {
    const us = await meetingsApi.users(q)
    for (const u of us) cache[u.id] = u
    return us
  }
  return { users: cache, name, ensure, search, ready: () => loaded }
}
