// Moving between spaces, in the browser in zh-CN: 李娜 (a member of 销售部,
// not its head) keeps a draft with two versions in 我的文件 and moves it
// into the folder 方案 of the 销售部 space with the folder picker, which
// offers every space she can edit because she manages her own files. The
// draft arrives with its history; her department colleague finds it there.
// A file of the department space she only edits can move within that
// space, not out of it: the picker says so, and the API refuses in Chinese.
import { test, expect, type Page } from '@playwright/test'
import { call, entryRow as row, PASSWORD, setupCompany, signedInPage } from '../lib'

async function rowAction(page: Page, name: string, action: string) {
  await row(page, name).locator('[data-test=row-more]').click()
  await page.locator(`.el-dropdown-menu:visible [data-test=action-${action}]`).click()
}

// Catalog keys leaking into the page mean a missing translation.
async function noRawKeys(page: Page) {
  await expect(page.locator('body')).not.toContainText(/\b(drive|common|errors)\.[a-zA-Z_]+(\.[a-zA-Z_]+)?\b/)
}

test('a draft moves from the personal space into a department space, with its versions', async ({ browser, request, baseURL }) => {
  test.setTimeout(360_000)
  const { token: tok, root } = await setupCompany(request, 'mv.test')
  const sales = await call(request, 'POST', '/api/v1/departments', tok, { name: '销售部', parent_id: root.id })
  const mk = async (email: string, name: string) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: sales.id, title: '销售', phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  await mk('lina@mv.test', '李娜')
  await mk('zhao@mv.test', '赵强')
  const salesSpace = (await call(request, 'GET', '/api/v1/drive/spaces', tok)).items.find((s: { name: string }) => s.name === '销售部')
  await call(request, 'POST', '/api/v1/drive/folders', tok, { parent_id: salesSpace.root_id, name: '方案' })

  // Her draft, twice: the second upload is a new version of the same file.
  const me = await signedInPage(browser, baseURL!, 'lina@mv.test', { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  await me.goto('/drive')
  await expect(me.locator('[data-test=crumb] .el-breadcrumb__inner')).toHaveText(['我的文件'])
  for (const text of ['第一稿', '第二稿：加上报价']) {
    await me.setInputFiles('[data-test=upload-input]', { name: '方案草稿.txt', mimeType: 'text/plain', buffer: Buffer.from(text) })
    await expect(me.locator('[data-test=upload-item][data-name="方案草稿.txt"]').first()).toHaveAttribute('data-status', 'done')
  }
  await expect(row(me, '方案草稿.txt')).toBeVisible()

  // The picker offers 我的文件 and 销售部 (she edits it), not the company space (she only reads it).
  await rowAction(me, '方案草稿.txt', 'move')
  const picker = me.locator('[data-test=folder-picker]')
  await expect(picker.locator('[data-test=picker-hint]')).toContainText('可以移到你有编辑权限的任何空间')
  await expect(picker.locator('[data-test=picker-node][data-name="我的文件"]')).toBeVisible()
  await expect(picker.locator('[data-test=picker-node][data-name="销售部"]')).toBeVisible()
  await expect(picker.locator('[data-test=picker-node][data-name="示例科技"]')).toHaveCount(0)
  await picker.locator('.el-tree-node', { has: me.locator('[data-test=picker-node][data-name="销售部"]') }).locator('.el-tree-node__expand-icon').first().click()
  await picker.locator('[data-test=picker-node][data-name="方案"]').click()
  await expect(picker).toContainText('目标：方案')
  await expect(picker.locator('[data-test=picker-other-space]')).toContainText('将移到另一个空间「销售部」')
  await noRawKeys(me)
  await me.screenshot({ path: 'artifacts/drive-move-picker.png' })
  await picker.locator('[data-test=picker-ok]').click()
  await expect(picker).toBeHidden()
  await expect(me.locator('.el-message', { hasText: '已将 1 项移到「销售部」' })).toBeVisible()
  await expect(row(me, '方案草稿.txt')).toHaveCount(0)

  // It is in 销售部 / 方案 now, with both versions.
  await me.click('[data-test=space-department][data-name="销售部"]')
  await row(me, '方案').locator('[data-test=entry-open]').click()
  await expect(me.locator('[data-test=crumb] .el-breadcrumb__inner')).toHaveText(['销售部', '方案'])
  await expect(row(me, '方案草稿.txt')).toContainText('李娜')
  await rowAction(me, '方案草稿.txt', 'versions')
  const versions = me.locator('[data-test=versions]')
  await expect(versions.locator('[data-test=version-row]')).toHaveCount(2)
  await expect(versions.locator('[data-test=version-list] .el-loading-mask')).toBeHidden()
  await expect(me.locator('.el-message')).toHaveCount(0)
  await me.screenshot({ path: 'artifacts/drive-move-arrived.png' })
  await versions.locator('.el-drawer__close-btn').click()

  // Her colleague in 销售部 finds it.
  const zhao = await signedInPage(browser, baseURL!, 'zhao@mv.test', { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  const found = await (await zhao.request.get('/api/v1/drive/search?q=' + encodeURIComponent('方案草稿'))).json()
  expect(found.items.map((e: { name: string; space_id: string }) => [e.name, e.space_id])).toEqual([['方案草稿.txt', salesSpace.id]])

  // A file of the department space: she edits it, does not manage it, so it moves only within 销售部.
  await me.setInputFiles('[data-test=upload-input]', { name: '客户名单.txt', mimeType: 'text/plain', buffer: Buffer.from('张三') })
  await expect(me.locator('[data-test=upload-item][data-name="客户名单.txt"]').first()).toHaveAttribute('data-status', 'done')
  await rowAction(me, '客户名单.txt', 'move')
  await expect(picker.locator('[data-test=picker-hint]')).toContainText('移到其他空间需要对所选项有管理权限')
  await expect(picker.locator('[data-test=picker-node][data-name="销售部"]')).toBeVisible()
  await expect(picker.locator('[data-test=picker-node][data-name="我的文件"]')).toHaveCount(0)
  await picker.locator('.el-dialog__headerbtn').click()
  const mine = (await (await me.request.get('/api/v1/drive/spaces')).json()).items.find((s: { kind: string }) => s.kind === 'personal')
  const list = (await (await me.request.get('/api/v1/drive/search?q=' + encodeURIComponent('客户名单'))).json()).items
  const refused = await me.request.patch('/api/v1/drive/entries/' + list[0].id, {
    data: { version: list[0].version, parent_id: mine.root_id }, headers: { 'X-Tack-Request': '1' },
  })
  expect(refused.status()).toBe(403)
  expect((await refused.json()).error.key).toBe('drive.cross_space_move')
})
