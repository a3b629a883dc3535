import type { RouteRecordRaw } from 'vue-router'

// The workbench (工作台) and the page for unknown paths.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('../../views/home/HomeView.vue'),
    meta: { nav: { label: 'common.home.nav', icon: 'HomeFilled', order: 10 } } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../../views/home/NotFoundView.vue'),
    meta: { title: 'common.notFound.title' } },
]

export default routes
