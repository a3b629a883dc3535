// Who is signed in, into which company, and whether the workspace still needs
// its first-run setup. The route guard calls load() before the first page and
// after sign-in; views read me/isAdmin from here instead of fetching /me again.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { isApiError } from '../api/client'
import { orgApi, type Company, type User } from '../api/org'
import { stopLive } from '../views/notify/live'
import { forgetOutbox } from '../views/chat/outbox'

export const useSession = defineStore('session', () => {
  const me = ref<User | null>(null)
  const company = ref<Company | null>(null)
  const setupNeeded = ref(false)
  /** Desktop window without a server yet: the connect screen comes first. */
  const notConnected = ref(false)
  const loaded = ref(false)
  /** The last state check could not reach the server (offline, server down). */
  const unreachable = ref(false)
  let loading: Promise<void> | null = null
  /** Bumped by sign-in and sign-out: a load that started before one of them
   * answers for a session that no longer exists and must not overwrite it. */
  let epoch = 0

  const roles = computed(() => me.value?.roles ?? [])
  const isAdmin = computed(() => roles.value.includes('admin'))
  /** Admins and HR onboard and offboard people (org.canManagePeople). */
  const canManagePeople = computed(() => isAdmin.value || roles.value.includes('hr'))
  const signedIn = computed(() => !!me.value)

  async function fetchState() {
    const started = epoch
    notConnected.value = false
    let needed = false
    try {
      needed = (await orgApi.setupStatus()).needed
      unreachable.value = false
    } catch (e) {
      if (started !== epoch) return
      if (isApiError(e) && e.key === 'desktop.not_connected') { notConnected.value = true; me.value = null; return }
      // No answer at all: App shows the offline state and retries. In the
      // desktop window the shell's proxy answers for a server it cannot
      // reach (502 desktop.server_unreachable): the same, not "signed out"
      // (that showed the sign-in page, where signing in could only fail).
      if (isApiError(e) && (e.status === 0 || e.key === 'desktop.server_unreachable')) { unreachable.value = true; return }
    }
    if (started !== epoch) return
    setupNeeded.value = needed
    if (needed) { me.value = null; company.value = null; return }
    try {
      const [u, c] = await Promise.all([meOnce(), orgApi.company().catch(() => null)])
      if (started !== epoch) return
      me.value = u
      company.value = c
    } catch {
      if (started === epoch) me.value = null
    }
  }

  /** meOnce asks /me, once more after a moment when the answer is not a 401:
   * a server hiccup (500, network) must not look like being signed out. */
  async function meOnce(): Promise<User> {
    try {
      return await orgApi.me()
    } catch (e) {
      if (isApiError(e) && e.status === 401) throw e
      await new Promise((r) => setTimeout(r, 500))
      return orgApi.me()
    }
  }

  /** load fetches the state once; later calls reuse it until reload(). */
  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    loading ??= fetchState().finally(() => { loaded.value = true; loading = null })
    return loading
  }

  async function reload() {
    loaded.value = false
    await load()
  }

  /** signedInAs records a fresh session (login or setup answer) without another round trip for me. */
  async function signedInAs(u: User) {
    epoch++
    me.value = u
    setupNeeded.value = false
    loaded.value = true
    company.value = await orgApi.company().catch(() => company.value)
  }

  function setMe(u: User) { me.value = u }

  async function logout() {
    try { await orgApi.logout() } catch { /* the cookie is cleared server-side or already gone */ }
    if (me.value) forgetOutbox(me.value.id)
    stopLive()
    epoch++
    me.value = null
    loaded.value = true
  }

  return { me, company, setupNeeded, notConnected, unreachable, loaded, roles, isAdmin, canManagePeople, signedIn, load, reload, signedInAs, setMe, logout }
})
