import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/approvals', name: 'approvals', component: () => import('../../views/approvals/InboxView.vue'),
    meta: { nav: { label: 'approvals.nav', icon: 'Stamp', order: 20 }, title: 'approvals.title' } },
  { path: '/approvals/new', name: 'approval-gallery', component: () => import('../../views/approvals/TemplateGallery.vue'), meta: { title: 'approvals.new' } },
  { path: '/approvals/new/:templateId', name: 'approval-submit', component: () => import('../../views/approvals/SubmitView.vue'), meta: { title: 'approvals.new' } },
  { path: '/approvals/stats', name: 'approval-stats', component: () => import('../../views/approvals/StatsView.vue'), meta: { title: 'approvals.stats.title' } },
  { path: '/approvals/admin/templates', name: 'approval-templates', component: () => import('../../views/approvals/TemplateAdmin.vue'),
    meta: { admin: true, title: 'approvals.admin.templates' } },
  // The working calendar moved to the admin settings (one calendar for every domain).
  { path: '/approvals/admin/calendar', redirect: '/admin/calendar' },
  { path: '/approvals/:id', name: 'approval', component: () => import('../../views/approvals/DetailView.vue'), meta: { title: 'approvals.title' } },
  { path: '/approvals/:id/print', name: 'approval-print', component: () => import('../../views/approvals/PrintView.vue'),
    meta: { layout: 'blank', title: 'approvals.print' } },
]

export default routes
