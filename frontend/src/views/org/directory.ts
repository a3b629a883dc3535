// The directory every org page needs: departments and people, loaded once per
// page and refreshed after a change, with name look-ups.
import { computed, ref } from 'vue'
import { allUsers, orgApi, type Department, type Role, type User } from '@/api/org'
import { buildTree, deptPath } from './tree'

export function useDirectory(opts: { includeInactive?: boolean } = {}) {
  const departments = ref<Department[]>([])
  const users = ref<User[]>([])
  const roles = ref<Role[]>([])
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      const [d, u, r] = await Promise.all([orgApi.departments(), allUsers({ include_inactive: opts.includeInactive }), orgApi.roles()])
      departments.value = d
      users.value = u
      roles.value = r
    } finally {
      loading.value = false
    }
  }

  const userById = computed(() => new Map(users.value.map((u) => [u.id, u])))
  const deptById = computed(() => new Map(departments.value.map((d) => [d.id, d])))
  const tree = computed(() => buildTree(departments.value, users.value))
  const activeUsers = computed(() => users.value.filter((u) => u.active))
  const userName = (id: string | null | undefined) => (id ? userById.value.get(id)?.name ?? '' : '')
  const deptName = (id: string | null | undefined) => (id ? deptById.value.get(id)?.name ?? '' : '')
  const pathOf = (id: string) => deptPath(departments.value, id)

  return { departments, users, roles, loading, load, userById, deptById, tree, activeUsers, userName, deptName, pathOf }
}

/** roleLabel is the translated name of a built-in role, else the custom role's own name. */
export function roleLabel(t: (k: string) => string, te: (k: string) => boolean, id: string, roles: Role[] = []): string {
  if (te('org.role.names.' + id)) return t('org.role.names.' + id)
  return roles.find((r) => r.id === id)?.name ?? id
}
