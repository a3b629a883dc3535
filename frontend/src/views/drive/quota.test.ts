import { describe, expect, it } from 'vitest'
import { gbToQuota, quotaChanged, quotaToGB } from './quota'

describe('space quotas in GB', () => {
  it('shows bytes as GB with one decimal, 0 for no limit', () => {
    expect(quotaToGB(0)).toBe(0)
    expect(quotaToGB(-5)).toBe(0)
    expect(quotaToGB(10 * 1024 ** 3)).toBe(10)
    expect(quotaToGB(1.5 * 1024 ** 3)).toBe(1.5)
    expect(quotaToGB(1024 ** 2)).toBe(0) // 1 MiB rounds to 0.0 GB
  })
  it('turns typed GB into bytes, empty or negative meaning no limit', () => {
    expect(gbToQuota(2)).toBe(2 * 1024 ** 3)
    expect(gbToQuota(0.5)).toBe(512 * 1024 ** 2)
    expect(gbToQuota(0)).toBe(0)
    expect(gbToQuota(null)).toBe(0)
    expect(gbToQuota(-1)).toBe(0)
  })
  it('notices a change only when the shown value differs', () => {
    expect(quotaChanged(10 * 1024 ** 3, 10)).toBe(false)
    expect(quotaChanged(10 * 1024 ** 3, 12)).toBe(true)
    expect(quotaChanged(0, null)).toBe(false)
    expect(quotaChanged(0, 1)).toBe(true)
  })
})
