import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/approvals', name: 'approvals', component: () => import('../../views/approvals/InboxView.vue'),
    meta: { nav: { label: 'approvals.nav', icon: 'Stamp', order: 20 } } },
  { path: '/approvals/new', name: 'approval-gallery', component: () => import('../../views/approvals/TemplateGallery.vue') },
  { path: '/approvals/new/:templateId', name: 'approval-submit', component: () => import('../../views/approvals/SubmitView.vue') },
  { path: '/approvals/stats', name: 'approval-stats', component: () => import('../../views/approvals/StatsView.vue') },
  { path: '/approvals/admin/templates', name: 'approval-templates', component: () => import('../../views/approvals/TemplateAdmin.vue') },
  { path: '/approvals/admin/calendar', name: 'approval-calendar', component: () => import('../../views/approvals/CalendarAdmin.vue') },
  { path: '/approvals/:id', name: 'approval', component: () => import('../../views/approvals/DetailView.vue') },
  { path: '/approvals/:id/print', name: 'approval-print', component: () => import('../../views/approvals/DetailView.vue'), props: { print: true } },
]

export default routes
