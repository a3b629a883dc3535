// Files, images and the group announcement in chat, three people in their own
// browser contexts: 张伟 (owner, desktop) posts a 群公告 and sends an image and
// a file; 王芳 on a phone (390 px) sees the announcement pop up, the thumbnail
// inline and the file card, and downloads the file; 张伟 sees who has read the
// announcement; once removed, 王芳 can fetch no file of the group, old or new.
import { test, expect } from '@playwright/test'
import { call, PASSWORD, setupCompany, signedIn } from '../lib'

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const desktop = { viewport: { width: 1280, height: 800 } }

test('files, images and the group announcement', async ({ browser, request, baseURL }) => {
  const setup = await setupCompany(request, 'chatfiles.test')
  const mk = async (email: string, name: string, dept: string) =>
    (await call(request, 'POST', '/api/v1/users', setup.token, { email, name, department_id: dept, title: '工程师',
      phone: '139' + String(Math.random()).slice(2, 10), roles: [], password: PASSWORD })).user
  const rd = await call(request, 'POST', '/api/v1/departments', setup.token, { name: '研发部', parent_id: setup.root.id })
  await mk('zhang@chatfiles.test', '张伟', rd.id)
  const li = await mk('li@chatfiles.test', '李娜', rd.id)
  const wang = await mk('wang@chatfiles.test', '王芳', rd.id)
  const login = async (email: string) => (await call(request, 'POST', '/api/v1/auth/login', '', { email, password: PASSWORD })).token as string
  const zt = await login('zhang@chatfiles.test')
  const wt = await login('wang@chatfiles.test')
  const g = await call(request, 'POST', '/api/v1/chat/conversations', zt, { kind: 'temporary', name: '发布会筹备', member_ids: [li.id, wang.id] })

  const z = await (await signedIn(browser, baseURL!, 'zhang@chatfiles.test', desktop)).newPage()
  const w = await (await signedIn(browser, baseURL!, 'wang@chatfiles.test', phone)).newPage()
  await z.goto('/chat/' + g.id)
  await expect(z.locator('[data-test=chat-title]')).toContainText('发布会筹备')

  // 张伟 posts the announcement.
  await z.click('[data-test=chat-announce]')
  await z.locator('[data-test=announcement-input]').fill('发布会定在周五下午两点，请各位周四前提交材料。')
  await z.click('[data-test=announcement-save]')
  await expect(z.locator('[data-test=chat-announcement-text]')).toContainText('发布会定在周五')

  // An image (a screenshot of his own page, 640×400) and a file.
  const png = await z.screenshot({ clip: { x: 0, y: 0, width: 640, height: 400 } })
  await z.locator('[data-test=chat-file-input]').setInputFiles({ name: '场地照片.png', mimeType: 'image/png', buffer: png })
  await expect(z.locator('[data-test=msg-1] [data-test=msg-image] img')).toBeVisible()
  await z.locator('[data-test=chat-file-input]').setInputFiles({ name: '发布会议程.txt', mimeType: 'text/plain', buffer: Buffer.from('14:00 开场\n14:30 产品演示\n') })
  await expect(z.locator('[data-test=msg-2] [data-test=msg-file-name]')).toHaveText('发布会议程.txt')
  await expect(z.locator('[data-test=msg-2] [data-test=msg-file]')).toContainText('B')
  await expect(z.locator('[data-test=receipt-2]')).toHaveText('2 人未读')

  // 王芳 on her phone: the unread announcement opens by itself.
  await w.goto('/chat/' + g.id)
  await expect(w.locator('[data-test=announcement-full]')).toContainText('周四前提交材料')
  await w.screenshot({ path: 'artifacts/chat-phone-announcement.png' })
  await w.click('[data-test=announcement-ok]')
  // The thumbnail is an image the server made: it decodes, 320 px wide at most.
  const img = w.locator('[data-test=msg-1] [data-test=msg-image] img')
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.naturalWidth)).toBe(320)
  await expect(w.locator('[data-test=msg-2] [data-test=msg-file-name]')).toHaveText('发布会议程.txt')
  await w.screenshot({ path: 'artifacts/chat-phone-files.png' })
  // Opening the conversation read it: his receipt changes live.
  await expect(z.locator('[data-test=receipt-2]')).toHaveText('1 人未读')
  // She downloads the file: the bytes he sent.
  const [dl] = await Promise.all([w.waitForEvent('download'), w.click('[data-test=msg-2] [data-test=msg-file-download]')])
  expect(dl.suggestedFilename()).toBe('发布会议程.txt')
  const path = await dl.path()
  const fs = await import('node:fs')
  expect(fs.readFileSync(path!, 'utf8')).toContain('产品演示')

  // 张伟 sees who has read the announcement.
  await z.click('[data-test=chat-announcement]')
  await expect(z.locator('[data-test=announcement-read]')).toHaveText('王芳')
  await expect(z.locator('[data-test=announcement-unread]')).toHaveText('李娜')
  await z.screenshot({ path: 'artifacts/chat-desktop-announcement.png' })
  await z.click('[data-test=announcement-ok]')
  await z.screenshot({ path: 'artifacts/chat-desktop-files.png' })

  // Removed, 王芳 fetches no file of the group: neither the old ones nor one sent after.
  const msgs = (await call(request, 'GET', '/api/v1/chat/conversations/' + g.id + '/messages', zt)).items as { id: string; seq: number }[]
  const del = await request.delete('/api/v1/chat/conversations/' + g.id + '/members/' + wang.id, { headers: { Authorization: 'Bearer ' + zt, 'X-Tack-Request': '1' } })
  expect(del.status()).toBe(204)
  const later = await request.post('/api/v1/chat/conversations/' + g.id + '/files?name=later.txt', {
    data: Buffer.from('later'), headers: { Authorization: 'Bearer ' + zt, 'X-Tack-Request': '1', 'Content-Type': 'application/octet-stream' } })
  expect(later.status()).toBe(201)
  for (const id of [...msgs.map((m) => m.id), (await later.json()).id]) {
    const r = await request.get('/api/v1/chat/messages/' + id + '/file', { headers: { Authorization: 'Bearer ' + wt } })
    expect(r.status()).toBe(404)
  }
  // Through her own browser too: the download link now answers 404.
  const r = await w.request.get('/api/v1/chat/messages/' + msgs[1].id + '/file')
  expect(r.status()).toBe(404)
})
