// The router collects every src/router/routes/*.ts (default export: the
// domain's routes), so a domain registers its pages without touching this file.
import { createRouter, createWebHistory } from 'vue-router'
import { collectRoutes } from './nav'
import { installGuard } from './guard'

export const routes = collectRoutes(import.meta.glob('./routes/*.ts', { eager: true }))

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

installGuard(router)
