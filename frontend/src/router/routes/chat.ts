import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/chat', name: 'chat', component: () => import('../../views/chat/ChatView.vue'),
    meta: { nav: { label: 'chat.nav', icon: 'ChatDotRound', order: 15 }, title: 'chat.title' } },
  { path: '/chat/:id', name: 'chat-conversation', component: () => import('../../views/chat/ChatView.vue'), meta: { title: 'chat.title' } },
]

export default routes
