import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/meetings', name: 'meetings', component: () => import('../../views/meetings/CalendarView.vue'),
    meta: { nav: { label: 'meetings.nav', icon: 'Calendar', order: 30 } } },
  { path: '/meetings/:id', name: 'meeting', component: () => import('../../views/meetings/MeetingDetail.vue') },
  { path: '/tasks', name: 'tasks', component: () => import('../../views/meetings/TasksView.vue'),
    meta: { nav: { label: 'meetings.tasksNav', icon: 'Finished', order: 31 } } },
]

export default routes
