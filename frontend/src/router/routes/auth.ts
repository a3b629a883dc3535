import type { RouteRecordRaw } from 'vue-router'

// Sign-in and the first-run setup: outside the shell, reachable signed out.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../../views/auth/LoginView.vue'),
    meta: { public: true, layout: 'blank', title: 'auth.login.title' } },
  { path: '/setup', name: 'setup', component: () => import('../../views/auth/SetupView.vue'),
    meta: { public: true, layout: 'blank', title: 'auth.setup.title' } },
]

export default routes
