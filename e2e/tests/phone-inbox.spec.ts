// Bulk approve from the phone inbox: the to-do cards have a check box, the
// bulk button approves the ticked ones (a full-screen sheet to confirm),
// and the rest stay.
import { test, expect } from '@playwright/test'
import { salesTeam, signedInPage, submitLeave } from '../lib'

test('select two of three cards on a 390 px phone and approve them at once', async ({ browser, request, baseURL }) => {
  const team = await salesTeam(request, 'inbox.test')
  await submitLeave(request, team.empToken, '2030-03-04', '2030-03-05', '一')
  await submitLeave(request, team.empToken, '2030-03-11', '2030-03-12', '二')
  await submitLeave(request, team.empToken, '2030-03-18', '2030-03-19', '三')
  const page = await signedInPage(browser, baseURL!, 'head@inbox.test', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  await page.goto('/approvals')
  const cards = page.locator('[data-test=card-list] [data-test=card]')
  await expect(cards).toHaveCount(3)
  await expect(page.locator('[data-test=bulk-approve]')).toBeDisabled()
  await cards.nth(0).locator('[data-test=card-select]').tap()
  await cards.nth(2).locator('[data-test=card-select]').tap()
  await expect(page).toHaveURL(/\/approvals$/) // ticking a box does not open the card
  await expect(page.locator('[data-test=bulk-approve]')).toHaveText('批量同意（2）')
  await page.locator('[data-test=bulk-approve]').tap()
  const sheet = page.locator('[data-test=bulk-dialog]')
  await expect(sheet).toHaveClass(/is-fullscreen/)
  await expect(sheet.locator('li')).toHaveCount(2)
  await page.waitForFunction(() => !document.querySelector('.dialog-fade-enter-active')) // opening animation done
  await page.screenshot({ path: 'artifacts/phone-inbox-bulk.png' })
  await sheet.locator('[data-test=bulk-confirm]').tap()
  await expect(cards).toHaveCount(1)
  await expect(page.locator('[data-test=bulk-approve]')).toHaveText('批量同意（0）')
  const done = await (await page.request.get('/api/v1/approvals?box=done')).json()
  expect(done.items).toHaveLength(2)

  // The last one's transfer dialog is a full-screen sheet on the phone too.
  await cards.first().tap()
  await expect(page).toHaveURL(/\/approvals\/[^/]+$/)
  await page.locator('[data-test=transfer]').tap()
  await expect(page.locator('[data-test=action-dialog]')).toHaveClass(/is-fullscreen/)
})
