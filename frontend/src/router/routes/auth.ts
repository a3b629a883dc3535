import type { RouteRecordRaw } from 'vue-router'

// Sign-in and the first-run setup: outside the shell, reachable signed out.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../../views/auth/LoginView.vue'),
    meta: { public: true, layout: 'blank', title: 'auth.login.title' } },
  { path: '/setup', name: 'setup', component: () => import('../../views/auth/SetupView.vue'),
    meta: { public: true, layout: 'blank', title: 'auth.setup.title' } },
  // After a password reset: signed in, but nothing else until a new password is chosen.
  { path: '/password', name: 'change-password', component: () => import('../../views/auth/ChangePasswordView.vue'),
    meta: { layout: 'blank', title: 'auth.forcedChange.title' } },
]

export default routes
