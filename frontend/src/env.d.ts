/// <reference types="vite/client" />
import 'vue-router'

declare module 'vue-router' {
  // Route meta understood by the router guard and the main navigation (src/router).
  interface RouteMeta {
    /** Reachable without signing in (login, setup, desktop connect). */
    public?: boolean
    /** 'blank': no navigation shell around the page. */
    layout?: 'blank'
    /** Show in the left navigation: label is an i18n key, icon an @element-plus/icons-vue name, order sorts ascending. */
    nav?: { label: string; icon: string; order: number }
    /** Administrators only (guard and navigation). */
    admin?: boolean
    /** Only holders of one of these roles (admin always passes). */
    roles?: string[]
    /** i18n key of the document title. */
    title?: string
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
