import type { RouteRecordRaw } from 'vue-router'

// Folder sync settings (desktop only: the pairs live in the desktop agent).
const routes: RouteRecordRaw[] = [
  { path: '/sync', name: 'sync', component: () => import('../../views/sync/SyncSettings.vue'),
    meta: { nav: { label: 'sync.nav', icon: 'FolderOpened', order: 70 } } },
]

export default routes
