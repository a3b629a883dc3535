import type { RouteRecordRaw } from 'vue-router'

// First screen of the desktop app when no server is configured (the shell
// sends the window here). Never linked in a plain browser.
const routes: RouteRecordRaw[] = [
  { path: '/desktop/connect', name: 'desktop-connect', component: () => import('../../views/desktop/ConnectView.vue'),
    meta: { public: true, layout: 'blank' } },
]

export default routes
