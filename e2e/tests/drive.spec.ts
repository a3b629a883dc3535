// Drive (钉盘) end to end, in the browser in zh-CN: an employee opens their
// department space, makes a folder, uploads a file by drag-and-drop and a
// changed copy of it with the file chooser (a new version), restores the old
// version from the versions panel and downloads it (the old bytes), previews
// an image, shares the file read-only with a colleague of another department
// (who finds it under 共享给我, cannot rename it — the UI offers no rename and
// the API refuses — and does not see the department space); renames (a bad
// name gets the translated reason), moves with the folder picker, searches,
// revokes the share, then deletes the folder and restores it from the trash.
// Several small files dropped at once go up in one batch request.
// Self-contained: runs the first-run setup and creates people through the API
// against the harness's baseURL (fresh data dir per spec).
import { readFileSync } from 'node:fs'
import { test, expect, type Browser, type Page } from '@playwright/test'
import { call, cspViolations, entryRow as row, PASSWORD, setupCompany, signedInPage } from '../lib'

// Every page of the spec runs under the server's Content-Security-Policy:
// nothing it needs (Element Plus' inline styles, blob previews, downloads)
// may be blocked.
test.afterEach(() => { expect(cspViolations, 'blocked by the Content-Security-Policy').toEqual([]) })

const V1 = '报价单 第一版：单价 100 元\n'
const V2 = '报价单 第二版：单价 120 元（已调整）\n'

const signIn = (browser: Browser, baseURL: string, email: string) =>
  signedInPage(browser, baseURL, email, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true })

// Catalog keys leaking into the page mean a missing translation.
async function noRawKeys(page: Page) {
  await expect(page.locator('body')).not.toContainText(/\b(drive|common|errors)\.[a-zA-Z_]+(\.[a-zA-Z_]+)?\b/)
}

async function rowAction(page: Page, name: string, action: string) {
  await row(page, name).locator('[data-test=row-more]').click()
  await page.locator(`.el-dropdown-menu:visible [data-test=action-${action}]`).click()
}

async function confirmBox(page: Page) {
  await page.locator('.el-message-box .el-message-box__btns .el-button--primary').click()
}

// Drops files on the folder view as the browser does: dragenter, dragover, drop with a DataTransfer.
async function dropFiles(page: Page, files: { name: string; text?: string; canvas?: string; type: string }[], shot?: string) {
  const dt = await page.evaluateHandle(async (fs) => {
    const d = new DataTransfer()
    for (const f of fs) {
      let body: Blob
      if (f.canvas) {
        // A real PNG drawn in the page, so the preview shows a picture.
        const c = document.createElement('canvas')
        c.width = 640; c.height = 400
        const g = c.getContext('2d')!
        const grad = g.createLinearGradient(0, 0, 640, 400)
        grad.addColorStop(0, '#1f6feb'); grad.addColorStop(1, '#13a8a8')
        g.fillStyle = grad; g.fillRect(0, 0, 640, 400)
        g.fillStyle = '#fff'; g.font = 'bold 64px sans-serif'; g.textAlign = 'center'
        g.fillText(f.canvas, 320, 220)
        body = await new Promise<Blob>((r) => c.toBlob((b) => r(b!), 'image/png'))
      } else body = new Blob([f.text ?? ''], { type: f.type })
      d.items.add(new File([body], f.name, { type: f.type }))
    }
    return d
  }, files)
  const target = page.locator('[data-test=folder-view]')
  await target.dispatchEvent('dragenter', { dataTransfer: dt })
  await target.dispatchEvent('dragover', { dataTransfer: dt })
  await expect(page.locator('[data-test=drop-overlay]')).toBeVisible()
  if (shot) await page.screenshot({ path: shot })
  await target.dispatchEvent('drop', { dataTransfer: dt })
  await expect(page.locator('[data-test=drop-overlay]')).toBeHidden()
}

test('department drive: folder, upload, versions, restore, preview, share read-only, trash', async ({ browser, request, baseURL }) => {
  test.setTimeout(360_000) // one long story; a loaded 2-core CI machine needs the room
  const setup = await setupCompany(request, 'dr.test')
  const tok = setup.token
  const root = setup.root
  const sales = await call(request, 'POST', '/api/v1/departments', tok, { name: '销售部', parent_id: root.id })
  const rnd = await call(request, 'POST', '/api/v1/departments', tok, { name: '研发部', parent_id: root.id })
  const mk = async (email: string, name: string, title: string, dept: string) =>
    (await call(request, 'POST', '/api/v1/users', tok, { email, name, department_id: dept, title, phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  const lina = await mk('lina@dr.test', '李娜', '销售经理', sales.id)
  // She heads 销售部, so she manages its space (members edit; managers share).
  await call(request, 'PATCH', '/api/v1/departments/' + sales.id, tok, { head_id: lina.id, version: sales.version })
  await mk('wangfang@dr.test', '王芳', '工程师', rnd.id)

  // 李娜 opens 钉盘 from the navigation and goes to her department's space.
  const me = await signIn(browser, baseURL!, 'lina@dr.test')
  await me.goto('/')
  await me.click('[data-test=nav-drive]')
  await expect(me).toHaveURL(/\/drive\/s\//)
  await expect(me.locator('[data-test=breadcrumbs]')).toContainText('我的文件')
  await me.click('[data-test=space-department][data-name="销售部"]')
  await expect(me.locator('[data-test=crumb] .el-breadcrumb__inner')).toHaveText(['销售部'])
  await expect(me.locator('[data-test=empty-folder]')).toContainText('文件夹是空的')
  await expect(me.locator('[data-test=quota]')).toContainText('已用')

  // A folder.
  await me.click('[data-test=new-folder]')
  await me.fill('[data-test=name-input]', '合同')
  await me.click('[data-test=name-save]')
  await expect(row(me, '合同')).toBeVisible()
  await row(me, '合同').locator('[data-test=entry-open]').click()
  await expect(me.locator('[data-test=crumb] .el-breadcrumb__inner')).toHaveText(['销售部', '合同'])

  // Drag-and-drop upload: per-file progress ends at 100% and the file is listed.
  await dropFiles(me, [{ name: '报价单.txt', text: V1, type: 'text/plain' }], 'artifacts/drive-drop.png')
  const first = me.locator('[data-test=upload-item][data-name="报价单.txt"]').first()
  await expect(first).toHaveAttribute('data-status', 'done')
  await expect(first.locator('[data-test=upload-progress]')).toHaveAttribute('data-percent', '100')
  await expect(row(me, '报价单.txt')).toContainText(String(Buffer.byteLength(V1)) + ' B')
  await expect(row(me, '报价单.txt')).toContainText('李娜')

  // The changed file through the file chooser: same name, so a new version of the same file.
  await me.setInputFiles('[data-test=upload-input]', { name: '报价单.txt', mimeType: 'text/plain', buffer: Buffer.from(V2) })
  const second = me.locator('[data-test=upload-item][data-name="报价单.txt"]').first()
  await expect(second).toHaveAttribute('data-status', 'done')
  await expect(second.locator('[data-test=upload-as-version]')).toHaveText('新版本')
  await expect(second).toContainText('已保存为新版本')
  await expect(me.locator('[data-test=upload-title]')).toContainText('上传完成 2 个文件')
  await expect(row(me, '报价单.txt')).toContainText(String(Buffer.byteLength(V2)) + ' B')
  await expect(me.locator('[data-test=entry-row][data-name="报价单.txt"]')).toHaveCount(1)
  await me.screenshot({ path: 'artifacts/drive-upload.png' })

  // Versions: two, the newest current; restore the first, download it: the old bytes.
  await rowAction(me, '报价单.txt', 'versions')
  const versions = me.locator('[data-test=versions]')
  await expect(versions.locator('[data-test=version-row]')).toHaveCount(2)
  await expect(versions.locator('[data-test=version-row][data-current="1"]')).toHaveCount(1)
  await expect(versions).toContainText('第 2 版')
  await expect(versions).toContainText('李娜')
  await expect(versions.locator('[data-test=version-list] .el-loading-mask')).toBeHidden()
  await me.screenshot({ path: 'artifacts/drive-versions-before.png' })
  await versions.locator('[data-test=version-row][data-current="0"] [data-test=version-restore]').click()
  await expect(me.locator('.el-message-box')).toContainText('将第 1 版还原为最新版本')
  await confirmBox(me)
  await expect(versions.locator('[data-test=version-row]')).toHaveCount(3)
  await expect(me.locator('.el-message', { hasText: '已还原第 1 版' })).toBeVisible() // an earlier message may still be fading
  await expect(versions.locator('[data-test=version-list] .el-loading-mask')).toBeHidden()
  await noRawKeys(me)
  await expect(me.locator('.el-message')).toHaveCount(0) // every message gone before the screenshot
  await me.screenshot({ path: 'artifacts/drive-versions.png' })
  const [dl] = await Promise.all([
    me.waitForEvent('download'),
    versions.locator('[data-test=version-row][data-current="1"] [data-test=version-download]').click(),
  ])
  expect(dl.suggestedFilename()).toBe('报价单.txt')
  expect(readFileSync((await dl.path())!, 'utf8')).toBe(V1)
  await versions.locator('.el-drawer__close-btn').click()
  await expect(row(me, '报价单.txt')).toContainText(String(Buffer.byteLength(V1)) + ' B')

  // Several small files dropped at once go up together, in one batch request.
  const batches: string[] = []
  me.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/drive/files/batch')) batches.push(r.url()) })
  await dropFiles(me, [
    { name: '门店照片.png', canvas: '钉盘 Tack', type: 'image/png' },
    { name: '客户名单.csv', text: '姓名,电话\n张三,13900000001\n', type: 'text/csv' },
    { name: '季度总结.docx', text: 'PK fake docx', type: 'application/octet-stream' },
  ])
  for (const n of ['门店照片.png', '客户名单.csv', '季度总结.docx']) {
    await expect(me.locator(`[data-test=upload-item][data-name="${n}"]`)).toHaveAttribute('data-status', 'done')
  }
  expect(batches).toHaveLength(1)

  // An image previews in the browser.
  await me.locator('[data-test=upload-close]').click()
  await expect(me.locator('[data-test=upload-panel]')).toBeHidden()
  await row(me, '门店照片.png').locator('[data-test=entry-open]').click()
  const img = me.locator('[data-test=preview-image]')
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(640)
  await me.screenshot({ path: 'artifacts/drive-preview.png' })
  await me.locator('[data-test=preview] .el-dialog__headerbtn').click()

  // Rename: a bad name gets the server's reason in Chinese and changes nothing; a good one renames.
  await rowAction(me, '客户名单.csv', 'rename')
  await me.fill('[data-test=name-input]', '客户/名单.csv')
  await me.click('[data-test=name-save]')
  await expect(me.locator('[data-test=name-dialog] .el-form-item__error')).toHaveText('这个名称不能用作文件或文件夹名：名称不能包含 / 或 \\')
  await me.fill('[data-test=name-input]', '2027 客户名单.csv')
  await me.click('[data-test=name-save]')
  await expect(row(me, '2027 客户名单.csv')).toBeVisible()
  await expect(row(me, '客户名单.csv')).toHaveCount(0)

  // Move it up to the space root with the folder picker.
  await rowAction(me, '2027 客户名单.csv', 'move')
  const picker = me.locator('[data-test=folder-picker]')
  await picker.locator('[data-test=picker-node][data-name="销售部"]').click()
  await expect(picker).toContainText('目标：销售部')
  await picker.locator('[data-test=picker-ok]').click()
  await expect(picker).toBeHidden()
  await expect(row(me, '2027 客户名单.csv')).toHaveCount(0)

  // Share the quote read-only with 王芳 (研发部): the dialog shows the inherited department grant too.
  await row(me, '报价单.txt').locator('[data-test=row-share]').click()
  const perms = me.locator('[data-test=permissions]')
  await expect(perms.locator('[data-test=perm-mine]')).toHaveText('可管理')
  await expect(perms.locator('[data-test=perm-row][data-name="销售部"]')).toBeVisible()
  await expect(perms.locator('.el-table__row', { has: me.locator('[data-test=perm-row][data-name="销售部"]') })).toContainText('继承自上级')
  await perms.locator('[data-test=perm-who] .el-select').click()
  await me.keyboard.type('王芳')
  await me.locator('.el-select-dropdown__item:visible', { hasText: '王芳' }).click()
  await expect(perms.locator('[data-test=perm-role]')).toContainText('可查看')
  await perms.locator('[data-test=perm-add]').click()
  const granted = perms.locator('.el-table__row', { has: me.locator('[data-test=perm-row][data-name="王芳"]') })
  await expect(granted).toContainText('可查看')
  await expect(granted).toContainText('本项授予')
  await noRawKeys(me)
  await me.screenshot({ path: 'artifacts/drive-permissions.png' })
  await perms.locator('.el-dialog__headerbtn').click()

  // Search by name across spaces.
  await me.fill('[data-test=drive-search]', '报价')
  await me.press('[data-test=drive-search]', 'Enter')
  await expect(me).toHaveURL(/\/drive\/search\?q=/)
  await expect(row(me, '报价单.txt')).toBeVisible()
  await expect(row(me, '报价单.txt')).toContainText('销售部')
  await expect(me.locator('[data-test=entry-row]')).toHaveCount(1)
  await me.click('[data-test=space-department][data-name="销售部"]')
  await row(me, '合同').locator('[data-test=entry-open]').click()

  // 王芳 sees it under 共享给我, read-only; 销售部's space is not hers to see.
  const other = await signIn(browser, baseURL!, 'wangfang@dr.test')
  await other.goto('/drive')
  await expect(other.locator('[data-test=space-department][data-name="研发部"]')).toBeVisible()
  await expect(other.locator('[data-test=space-department][data-name="销售部"]')).toHaveCount(0)
  await other.click('[data-test=space-shared]')
  await expect(row(other, '报价单.txt')).toBeVisible()
  await expect(row(other, '报价单.txt').locator('[data-test=entry-role]')).toHaveText('可查看')
  await row(other, '报价单.txt').locator('[data-test=row-more]').click()
  await expect(other.locator('.el-dropdown-menu:visible [data-test=action-download]')).toBeVisible()
  await expect(other.locator('.el-dropdown-menu:visible [data-test=action-rename]')).toHaveCount(0)
  await expect(other.locator('.el-dropdown-menu:visible [data-test=action-trash]')).toHaveCount(0)
  await other.keyboard.press('Escape')
  await noRawKeys(other)
  await other.screenshot({ path: 'artifacts/drive-shared.png' })
  const shared = (await (await other.request.get('/api/v1/drive/shared')).json()).items
  expect(shared.map((e: { name: string }) => e.name)).toEqual(['报价单.txt'])
  const rename = await other.request.patch('/api/v1/drive/entries/' + shared[0].id, {
    data: { version: shared[0].version, name: '改名.txt' }, headers: { 'X-Tack-Request': '1' },
  })
  expect(rename.status()).toBe(403)
  expect((await rename.json()).error.key).toBe('drive.forbidden')
  const spaces = (await (await other.request.get('/api/v1/drive/spaces')).json()).items
  expect(spaces.map((s: { name: string }) => s.name)).not.toContain('销售部')
  // The department space's root is not found for her, and the UI says so in Chinese.
  const salesSpace = (await call(request, 'GET', '/api/v1/drive/spaces', tok)).items.find((s: { name: string }) => s.name === '销售部')
  await other.goto('/drive/s/' + salesSpace.id)
  await expect(other.locator('[data-test=drive-error]')).toContainText('空间不存在，或你没有访问权限')

  // 李娜 takes the share back: 王芳 no longer finds it.
  await row(me, '报价单.txt').locator('[data-test=row-share]').click()
  const grantRow = perms.locator('.el-table__row', { has: me.locator('[data-test=perm-row][data-name="王芳"]') })
  await grantRow.locator('[data-test=perm-revoke]').click()
  await expect(me.locator('.el-message-box')).toContainText('移除「王芳」在此处的权限')
  await confirmBox(me)
  await expect(grantRow).toHaveCount(0)
  await expect(perms.locator('[data-test=perm-row][data-name="销售部"]')).toBeVisible() // the inherited one stays
  await perms.locator('.el-dialog__headerbtn').click()
  expect((await (await other.request.get('/api/v1/drive/shared')).json()).items).toEqual([])
  await other.goto('/drive/shared')
  await expect(other.locator('[data-test=shared-view]')).toContainText('还没有人共享文件给你')

  // Back in 销售部: the folder goes to the trash and comes back.
  await me.locator('[data-test=crumb] a', { hasText: '销售部' }).click()
  await expect(me.locator('[data-test=crumb] .el-breadcrumb__inner')).toHaveText(['销售部'])
  await expect(row(me, '2027 客户名单.csv')).toBeVisible() // moved here earlier
  await rowAction(me, '合同', 'trash')
  await expect(me.locator('.el-message-box')).toContainText('将「合同」移入回收站')
  await confirmBox(me)
  await expect(row(me, '合同')).toHaveCount(0)
  await me.click('[data-test=open-trash]')
  await expect(me.locator('[data-test=trash-retention]')).toContainText('保留 30 天')
  const trashed = me.locator('[data-test=trash-list] .el-table__row', { has: me.locator('[data-test=trash-row][data-name="合同"]') })
  await expect(trashed).toContainText('李娜')
  await expect(trashed).toContainText('30 天')
  await noRawKeys(me)
  await me.screenshot({ path: 'artifacts/drive-trash.png' })
  await trashed.locator('[data-test=trash-restore]').click()
  await expect(me.locator('[data-test=trash-empty]')).toBeVisible()
  await me.click('[data-test=trash-back]')
  await expect(row(me, '合同')).toBeVisible()
  await row(me, '合同').locator('[data-test=entry-open]').click()
  await expect(row(me, '报价单.txt')).toBeVisible()
  await expect(row(me, '门店照片.png')).toBeVisible()
  await me.screenshot({ path: 'artifacts/drive-browser.png' })
})

// The previews that load differently (a PDF in an iframe from a blob: URL,
// an SVG image from a blob: URL, text read with fetch, a download) work
// under the Content-Security-Policy, and the page cannot be framed.
test('previews and downloads under the Content-Security-Policy', async ({ browser, request, baseURL }) => {
  const tok = (await call(request, 'POST', '/api/v1/auth/login', '', { email: 'lina@dr.test', password: PASSWORD })).token
  const spaces = (await call(request, 'GET', '/api/v1/drive/spaces', tok)).items as { kind: string; root_id: string; id: string }[]
  const mine = spaces.find((s) => s.kind === 'personal')!
  const pdf = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#409eff"/></svg>'
  for (const [name, body] of [['说明.pdf', pdf], ['图标.svg', svg], ['备注.txt', '第一行\n第二行\n']]) {
    const r = await request.post(`/api/v1/drive/files?parent_id=${mine.root_id}&name=${encodeURIComponent(name)}`,
      { data: Buffer.from(body), headers: { Authorization: 'Bearer ' + tok, 'Content-Type': 'application/octet-stream' } })
    expect(r.status(), await r.text()).toBe(201)
  }
  const me = await signIn(browser, baseURL!, 'lina@dr.test')
  const headers = (await me.goto('/drive/s/' + mine.id))!.headers()
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(headers['x-content-type-options']).toBe('nosniff')
  await expect(row(me, '说明.pdf')).toBeVisible()

  await row(me, '说明.pdf').locator('[data-test=entry-open]').click()
  await expect(me.locator('[data-test=preview-pdf]')).toHaveAttribute('src', /^blob:/)
  await me.locator('[data-test=preview] .el-dialog__headerbtn').click()

  await row(me, '图标.svg').locator('[data-test=entry-open]').click()
  const img = me.locator('[data-test=preview-image]')
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(64)
  await me.locator('[data-test=preview] .el-dialog__headerbtn').click()

  await row(me, '备注.txt').locator('[data-test=entry-open]').click()
  await expect(me.locator('[data-test=preview-text]')).toContainText('第二行')
  const [download] = await Promise.all([me.waitForEvent('download'), me.locator('[data-test=preview-download]').click()])
  expect(readFileSync((await download.path())!, 'utf8')).toBe('第一行\n第二行\n')
  await me.screenshot({ path: 'artifacts/drive-csp-preview.png' })

  // The policy does block what it should, and the watcher sees it: an
  // injected inline script does not run.
  await me.evaluate(() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 1'; document.head.appendChild(s) })
  // One report per policy that blocks it: the server's header and the
  // page's own meta policy (the desktop window's, see index.html) both do.
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0)
  expect(await me.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined()
  cspViolations.length = 0
})
