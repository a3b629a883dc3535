// Typed calls for the org API (backend/api/org_handlers.go, org_directory_handlers.go).
import { api, type Page } from './client'

export interface Company { id: string; name: string; created_at: string }
export interface User {
  id: string; email: string; name: string; department_id: string; title: string; phone: string
  manager_id: string | null; active: boolean; totp_enabled: boolean; locale: string; version: number
  created_at: string; updated_at: string; deactivated_at: string | null; roles: string[]
  /** Set by a password reset: the owner must choose a new password first (seen by them and admins). */
  must_change_password?: boolean
}
export interface Department {
  id: string; name: string; parent_id: string | null; head_id: string | null; sort_order: number; version: number
}
/** privileged: only administrators grant or revoke it (every role but member, unless an admin says otherwise). */
export interface Role { id: string; name: string; description: string; builtin: boolean; privileged: boolean; created_at: string }
export interface AuditEntry {
  id: string; actor_id: string; action: string; target_type: string; target_id: string
  detail: Record<string, unknown>; created_at: string
}
/** session_days: the absolute sign-in lifetime (0: the server's default_days). */
export interface SecuritySettings { session_days: number; default_days: number }
export interface LoginResult { token: string; user: User; expires_at: string }
export interface NewUser {
  email: string; name: string; department_id: string; title: string; phone: string
  manager_id: string | null; roles: string[]; password?: string
}
export interface UserFilter { q?: string; department_id?: string; recursive?: boolean; include_inactive?: boolean; limit?: number; cursor?: string }

function qs(f: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || v === false) continue
    q.set(k, v === true ? '1' : String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export const orgApi = {
  setupStatus: () => api.get<{ needed: boolean }>('/api/v1/setup'),
  setup: (body: { company_name: string; admin: NewUser }) => api.post<LoginResult>('/api/v1/setup', body),
  // login is an email or a phone number.
  login: (login: string, password: string, totp_code = '') => api.post<LoginResult>('/api/v1/auth/login', { login, password, totp_code }),
  logout: () => api.post<void>('/api/v1/auth/logout', {}),
  me: () => api.get<User>('/api/v1/me', { quiet401: true }),
  company: () => api.get<Company>('/api/v1/company', { quiet401: true }),
  changePassword: (current_password: string, new_password: string) =>
    api.post<LoginResult>('/api/v1/me/password', { current_password, new_password }), // a new session replaces every old one
  totpSetup: () => api.post<{ secret: string; otpauth_url: string }>('/api/v1/me/totp/setup', {}),
  totpEnable: (code: string) => api.post<void>('/api/v1/me/totp/enable', { code }),
  totpDisable: (code: string) => api.post<void>('/api/v1/me/totp/disable', { code }),

  departments: () => api.get<Page<Department>>('/api/v1/departments').then((p) => p.items),
  createDepartment: (d: { name: string; parent_id: string; head_id?: string | null; sort_order?: number }) =>
    api.post<Department>('/api/v1/departments', d),
  updateDepartment: (id: string, d: { name?: string; parent_id?: string; head_id?: string | null; sort_order?: number; version: number }) =>
    api.patch<Department>('/api/v1/departments/' + id, d),
  deleteDepartment: (id: string) => api.del<void>('/api/v1/departments/' + id),

  users: (f: UserFilter = {}) => api.get<Page<User>>('/api/v1/users' + qs({ limit: 200, ...f })),
  user: (id: string) => api.get<User>('/api/v1/users/' + id),
  createUser: (u: NewUser) => api.post<{ user: User; initial_password?: string }>('/api/v1/users', u),
  updateUser: (id: string, patch: Partial<Omit<NewUser, 'password'>> & { locale?: string; version: number }) =>
    api.patch<User>('/api/v1/users/' + id, patch),
  deactivate: (id: string) => api.post<User>(`/api/v1/users/${id}/deactivate`, {}),
  reactivate: (id: string) => api.post<User>(`/api/v1/users/${id}/reactivate`, {}),
  resetPassword: (id: string) => api.post<{ password: string }>(`/api/v1/users/${id}/reset-password`, {}),

  roles: () => api.get<Page<Role>>('/api/v1/roles').then((p) => p.items),
  createRole: (r: { id: string; name: string; description: string; privileged: boolean }) => api.post<Role>('/api/v1/roles', r),
  updateRole: (id: string, r: { name: string; description: string; privileged: boolean }) => api.patch<Role>('/api/v1/roles/' + id, r),
  deleteRole: (id: string) => api.del<void>('/api/v1/roles/' + id),

  securitySettings: () => api.get<SecuritySettings>('/api/v1/settings/security'),
  setSecuritySettings: (s: { session_days: number }) => api.put<SecuritySettings>('/api/v1/settings/security', s),

  audit: (f: { cursor?: string; action?: string; actor_id?: string; limit?: number } = {}) =>
    api.get<Page<AuditEntry>>('/api/v1/audit' + qs({ limit: 50, ...f })),
}

/** allUsers pages through the directory (the API caps a page at 200). */
export async function allUsers(f: UserFilter = {}): Promise<User[]> {
  const out: User[] = []
  let cursor = ''
  for (let i = 0; i < 50; i++) {
    const p = await orgApi.users({ ...f, cursor })
    out.push(...p.items)
    if (!p.next_cursor) break
    cursor = p.next_cursor
  }
  return out
}
