/// <reference types="vitest/config" />
// Vite builds the UI into dist/, which main.go embeds (//go:embed all:frontend/dist).
// In dev, /api goes to a local `tack serve` (make run) so cookies stay same-origin.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { elementPlusOnDemand } from './build/elementPlusOnDemand'
import { precompress } from './build/precompress'
import { iconsPerModule } from './build/iconsPerModule'
import { buttonWithoutCustomColor } from './build/buttonWithoutCustomColor'

// dist/ is emptied on every build (stale chunks would be embedded too), but
// the Go embed needs the directory even before a build: put .gitkeep back.
const keepDist: Plugin = {
  name: 'tack-keep-dist',
  apply: 'build',
  closeBundle() { writeFileSync(new URL('./dist/.gitkeep', import.meta.url), '') },
}

export default defineConfig({
  plugins: [vue(), elementPlusOnDemand(), iconsPerModule(), buttonWithoutCustomColor(), keepDist, precompress(new URL('./dist/', import.meta.url))],
  // @/ is src/: views import their typed calls as @/api/<domain>.
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  // vue-i18n's feature flags, so what the app does not use is tree-shaken
  // from the sign-in page's bundle: its message compiler (src/locales/compile.ts
  // parses the catalogs' syntax instead), the legacy (Options) API, the global
  // <i18n-t>/v-t install (AdminRoles imports <i18n-t> itself) and devtools.
  define: {
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    port: 5173,
    proxy: {
      // SSE (/api/v1/events) needs no buffering; the http-proxy default streams.
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 500,
    // scripts/bundle-budget.mjs follows the login page's imports in it.
    manifest: true,
    rolldownOptions: {
      output: {
        // The framework changes least often: one long-cached chunk for it.
        // Element Plus is left to the per-route chunks (on demand, above).
        manualChunks(id: string) {
          if (/node_modules\/(@vue|vue|vue-router|pinia|vue-i18n|@intlify)\//.test(id)) return 'vue'
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    // The on-demand plugin imports each component's stylesheet from
    // element-plus/es; Node cannot load CSS, so Vitest must run element-plus
    // through Vite (where CSS is handled) instead of externalizing it. In a
    // checkout whose node_modules is a symlink outside the project this
    // happened by accident, which hid the problem.
    server: { deps: { inline: ['element-plus'] } },
    include: ['src/**/*.test.ts', 'build/**/*.test.ts'],
    // Every language's catalog loaded up front: tests switch languages synchronously.
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    // Mounting a page with Element Plus takes 4-27 s on a loaded 2-core
    // machine (other suites beside it); vitest's 5 s default failed tests
    // that were only slow. A test still fails on any wrong assertion.
    testTimeout: 60_000,
  },
})
