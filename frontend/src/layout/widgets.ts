// Header widgets: every src/layout/widgets/*.vue is mounted in the header, in
// file-name order, so a domain adds one (the notification bell, a sync
// status) by adding a file.
import type { Component } from 'vue'

export function collectWidgets(modules: Record<string, { default: Component }>): { name: string; component: Component }[] {
  return Object.keys(modules).sort().map((k) => ({ name: k.replace(/^.*\/|\.vue$/g, ''), component: modules[k].default }))
}

export const widgets = collectWidgets(import.meta.glob<{ default: Component }>('./widgets/*.vue', { eager: true }))
