import type { RouteRecordRaw } from 'vue-router'

// 钉盘: the side list of spaces stays while the main pane shows a folder,
// "shared with me", a space's trash or search results. /drive/entries/:id is
// the link notifications carry (drive.shared): it opens the folder, or the
// file's preview.
const routes: RouteRecordRaw[] = [
  { path: '/drive', name: 'drive', component: () => import('../../views/drive/DriveLayout.vue'),
    meta: { nav: { label: 'drive.nav', icon: 'Files', order: 25 } },
    children: [
      { path: '', name: 'drive-home', component: () => import('../../views/drive/DriveHome.vue') },
      { path: 's/:spaceId', name: 'drive-space', component: () => import('../../views/drive/FolderView.vue') },
      { path: 'f/:folderId', name: 'drive-folder', component: () => import('../../views/drive/FolderView.vue') },
      { path: 'shared', name: 'drive-shared', component: () => import('../../views/drive/SharedView.vue') },
      { path: 'search', name: 'drive-search', component: () => import('../../views/drive/SharedView.vue') },
      { path: 'trash/:spaceId', name: 'drive-trash', component: () => import('../../views/drive/TrashView.vue') },
      { path: 'entries/:id', name: 'drive-entry', component: () => import('../../views/drive/DriveHome.vue') },
    ] },
]

export default routes
