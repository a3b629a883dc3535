import type { RouteRecordRaw } from 'vue-router'

// Contacts for everyone; the admin pages for administrators (users also for HR);
// the signed-in user's own profile.
const routes: RouteRecordRaw[] = [
  { path: '/contacts', name: 'contacts', component: () => import('../../views/org/ContactsView.vue'),
    meta: { nav: { label: 'org.contacts.nav', icon: 'Avatar', order: 40 } } },
  { path: '/profile', name: 'profile', component: () => import('../../views/org/ProfileView.vue'),
    meta: { title: 'org.profile.title' } },
  { path: '/admin', component: () => import('../../views/org/AdminView.vue'), redirect: '/admin/users',
    meta: { roles: ['hr'], nav: { label: 'org.admin.nav', icon: 'Setting', order: 90 } },
    children: [
      { path: 'users', name: 'admin-users', component: () => import('../../views/org/AdminUsers.vue'),
        meta: { roles: ['hr'], title: 'org.admin.users' } },
      { path: 'departments', name: 'admin-departments', component: () => import('../../views/org/AdminDepartments.vue'),
        meta: { admin: true, title: 'org.admin.departments' } },
      { path: 'roles', name: 'admin-roles', component: () => import('../../views/org/AdminRoles.vue'),
        meta: { admin: true, title: 'org.admin.roles' } },
      { path: 'audit', name: 'admin-audit', component: () => import('../../views/org/AdminAudit.vue'),
        meta: { admin: true, title: 'org.admin.audit' } },
      { path: 'backups', name: 'admin-backups', component: () => import('../../views/sync/AdminSyncDevices.vue'),
        meta: { admin: true, title: 'sync.devices.tab' } },
      { path: 'calendar', name: 'admin-calendar', component: () => import('../../views/org/AdminWorkCalendar.vue'),
        meta: { admin: true, title: 'workcal.title' } },
      { path: 'security', name: 'admin-security', component: () => import('../../views/org/AdminSecurity.vue'),
        meta: { admin: true, title: 'org.admin.security' } },
      { path: 'chat', name: 'admin-chat', component: () => import('../../views/org/AdminChat.vue'),
        meta: { admin: true, title: 'chat.retentionTitle' } },
    ] },
]

export default routes
