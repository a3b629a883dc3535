// Large files in the browser: above 64 MiB the drive page uploads with the
// chunked protocol (cut into the drive's content-defined chunks, about
// 256 KiB, the same as the sync agent's; send what the server lacks; commit). Against the real server: a 72 MiB file arrives intact although
// the connection drops during one chunk; a changed copy of it becomes a new
// version and sends only the chunks around the change.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import { call, entryRow as row, setupCompany, signedInPage } from '../lib'

const MiB = 1 << 20

test('a 72 MiB file goes up in chunks, survives a dropped connection, and a new version sends only what changed', async ({ browser, request, baseURL }) => {
  test.setTimeout(300_000)
  const { token: tok } = await setupCompany(request, 'big.test')
  const dir = path.join(tmpdir(), 'tack-e2e-big')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, '季度录像.bin')
  const v1 = randomBytes(72 * MiB)
  writeFileSync(file, v1)

  const page = await signedInPage(browser, baseURL!, 'admin@big.test', { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  const puts: string[] = []
  page.on('request', (r) => { if (r.method() === 'PUT' && r.url().includes('/chunks/')) puts.push(r.url()) })
  // The connection drops during the second chunk, once.
  let dropped = 0
  await page.route('**/api/v1/drive/uploads/*/chunks/*', async (route) => {
    if (puts.length === 2 && dropped === 0) { dropped++; return route.abort('connectionreset') }
    return route.continue()
  })

  await page.goto('/drive')
  await page.click('[data-test=space-company]')
  await expect(page.locator('[data-test=crumb] .el-breadcrumb__inner')).toHaveText(['示例科技'])
  await page.setInputFiles('[data-test=upload-input]', file)
  const item = page.locator('[data-test=upload-item][data-name="季度录像.bin"]').first()
  await expect(item).toHaveAttribute('data-status', /checking|uploading|processing|done/)
  await page.screenshot({ path: 'artifacts/drive-large-upload.png' })
  await expect(item).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  await expect(row(page, '季度录像.bin')).toContainText('72')
  expect(dropped).toBe(1)
  const distinct = new Set(puts.map((u) => u.split('/chunks/')[1])).size
  expect(distinct).toBeGreaterThanOrEqual(72) // chunks of at most 1 MiB (scheme 2), each sent once...
  expect(distinct).toBeLessThanOrEqual(72 * 16) // ...and of at least 64 KiB
  expect(puts).toHaveLength(distinct + 1) // the dropped one twice

  // What the server stores is the file, byte for byte.
  const space = (await call(request, 'GET', '/api/v1/drive/spaces', tok)).items.find((s: { kind: string }) => s.kind === 'company')
  const kids = (await call(request, 'GET', `/api/v1/drive/entries/${space.root_id}/children?limit=200`, tok)).items
  const entry = kids.find((k: { name: string }) => k.name === '季度录像.bin')
  expect(entry.hash).toBe(createHash('sha256').update(v1).digest('hex'))
  const body = await (await request.get(`/api/v1/drive/files/${entry.id}/content`, { headers: { Authorization: 'Bearer ' + tok } })).body()
  expect(body.length).toBe(v1.length)
  expect(createHash('sha256').update(body).digest('hex')).toBe(entry.hash)

  // Change 1 KiB in the middle and upload the same name: a new version, only the chunk(s) around it sent.
  const v2 = Buffer.from(v1)
  randomBytes(1024).copy(v2, 4 * 8 * MiB + 100)
  writeFileSync(file, v2)
  puts.length = 0
  await page.setInputFiles('[data-test=upload-input]', file)
  const again = page.locator('[data-test=upload-item][data-name="季度录像.bin"]').first()
  await expect(again.locator('[data-test=upload-as-version]')).toBeVisible()
  await expect(again).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  expect(puts.length).toBeGreaterThanOrEqual(1)
  expect(puts.length).toBeLessThanOrEqual(3)
  const now = await call(request, 'GET', `/api/v1/drive/entries/${entry.id}`, tok)
  expect(now.version).toBeGreaterThan(entry.version)
  expect(now.hash).toBe(createHash('sha256').update(v2).digest('hex'))
  await page.screenshot({ path: 'artifacts/drive-large-done.png' })
  await page.context().close()
})
