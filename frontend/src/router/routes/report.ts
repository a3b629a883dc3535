import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/reports', name: 'reports', component: () => import('../../views/report/ReportHome.vue'),
    meta: { nav: { label: 'report.nav', icon: 'Reading', order: 22 }, title: 'report.title' } },
  { path: '/reports/write/:templateId?', name: 'report-write', component: () => import('../../views/report/WriteView.vue'), meta: { title: 'report.write' } },
  { path: '/reports/week', name: 'report-week', component: () => import('../../views/report/WeekView.vue'), meta: { title: 'report.week' } },
  { path: '/reports/:id', name: 'report', component: () => import('../../views/report/DetailView.vue'), meta: { title: 'report.title' } },
]

export default routes
