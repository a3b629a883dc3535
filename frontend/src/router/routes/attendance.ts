import type { RouteRecordRaw } from 'vue-router'

// My attendance for everyone; the team board for department heads (the
// server decides whose board it is); settings for admins and attendance admins.
const routes: RouteRecordRaw[] = [
  { path: '/attendance', name: 'attendance', component: () => import('../../views/attendance/MyAttendance.vue'),
    meta: { title: 'attendance.title', nav: { label: 'attendance.nav', icon: 'Clock', order: 25 } } },
  { path: '/attendance/team', name: 'attendance-team', component: () => import('../../views/attendance/TeamBoard.vue'),
    meta: { title: 'attendance.board.title', roles: ['dept_head', 'attendance_admin'], nav: { label: 'attendance.teamNav', icon: 'DataBoard', order: 26 } } },
  { path: '/attendance/months', name: 'attendance-months', component: () => import('../../views/attendance/MonthReport.vue'),
    meta: { title: 'attendance.monthly.title', roles: ['dept_head', 'attendance_admin'], nav: { label: 'attendance.monthly.nav', icon: 'Calendar', order: 27 } } },
  // The rota (排班): the heads' and attendance admins' grid of shifts per person and day.
  { path: '/attendance/rota', component: () => import('../../views/attendance/rotaRoute').then((m) => m.loadRotaView()),
    meta: { title: 'rota.title', roles: ['dept_head', 'attendance_admin'], nav: { label: 'rota.nav', icon: 'Grid', order: 28 } } },
  { path: '/attendance/settings', name: 'attendance-settings', component: () => import('../../views/attendance/AttendanceSettings.vue'),
    meta: { title: 'attendance.settings.title', roles: ['attendance_admin'], nav: { label: 'attendance.settingsNav', icon: 'Setting', order: 91 } } },
]

export default routes
