// Every main page at a desktop (1280×800) (layout.ts; phone-layout.spec.ts
// walks the same pages at 390 px): the sidebar instead of the tab bar, tables,
// and the folded menu remembered across a reload.
import { test } from '@playwright/test'
import { DESKTOP } from '../lib'
import { seedLayout, walkLayout } from '../layout'

test('every main page fits a desktop, with the sidebar', async ({ browser, request, baseURL }) => {
  test.setTimeout(900_000) // every page, the drive's folder, shared, search and trash, on a loaded machine
  await walkLayout(browser, baseURL!, request, 'desktop', DESKTOP, await seedLayout(request))
})
