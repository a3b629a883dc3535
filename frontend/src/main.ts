// Entry: Pinia, the router and i18n. Element Plus components are imported by
// the views that render them (build/elementPlusOnDemand.ts); the styles of
// the ones called as functions (ElMessage, ElMessageBox, ElNotification) come
// with MainLayout, as only pages inside it call them. index.html paints a
// skeleton until the first navigation (and so the session check) has settled,
// so no page flashes and nothing is blank.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/es/components/base/style/css'
import './styles/base.css'
import App from './App.vue'
import { router } from './router'
import { DEFAULT_LOCALE, currentLocale, i18n, loadLocaleCore } from './locales'
import { keepLinksInApp } from './desktop/links'
import { registerServiceWorker } from './pwa'

keepLinksInApp() // only acts in the desktop window
const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
// A first navigation that fails (offline, a route chunk not cached) still
// mounts: App shows the offline state instead of leaving the skeleton up.
// A remembered language other than zh-CN has its sign-in texts fetched first
// (zh-CN's are in this bundle; the guard fetches the rest before any other page).
const lang = currentLocale.value === DEFAULT_LOCALE ? undefined : loadLocaleCore(currentLocale.value).catch(() => {})
void Promise.all([router.isReady().catch(() => {}), lang])
  .then(() => app.mount('#app'))
registerServiceWorker()
