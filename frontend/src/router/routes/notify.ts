import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/announcements', name: 'announcements', component: () => import('../../views/notify/AnnouncementsView.vue'),
    meta: { nav: { label: 'notify.announcements.nav', icon: 'Notification', order: 50 } } },
  { path: '/announcements/:id', name: 'announcement', component: () => import('../../views/notify/AnnouncementDetail.vue') },
  { path: '/notifications', name: 'notifications', component: () => import('../../views/notify/NotificationsView.vue') },
  { path: '/ding', name: 'ding', component: () => import('../../views/notify/DingView.vue'),
    meta: { nav: { label: 'notify.ding.nav', icon: 'Bell', order: 51 } } },
  { path: '/settings/email', name: 'email-settings', component: () => import('../../views/notify/EmailSettingsView.vue') },
  { path: '/ding/:id', name: 'ding-detail', component: () => import('../../views/notify/DingDetail.vue') },
]

export default routes
