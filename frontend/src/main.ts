// Entry: Element Plus, Pinia, the router and i18n; mounted once the first
// navigation (and so the session check) has settled, so no page flashes.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles/base.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './locales'
import { keepLinksInApp } from './desktop/links'

keepLinksInApp() // only acts in the desktop window
const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(ElementPlus)
app.use(router)
void router.isReady().then(() => app.mount('#app'))
