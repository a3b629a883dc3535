import { describe, expect, it } from 'vitest'
import { describeRule, repeatOf, ruleOf } from './repeat'
import { i18n, setLocale } from '../../locales'

describe('repeat choices', () => {
  it('round-trips the choices through the canonical rule order', () => {
    expect(repeatOf('FREQ=DAILY;COUNT=5;BYDAY=MO,TU,WE,TH,FR')).toEqual({ repeat: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', count: 5 })
    expect(repeatOf('FREQ=WEEKLY;INTERVAL=2;COUNT=8')).toEqual({ repeat: 'FREQ=WEEKLY;INTERVAL=2', count: 8 })
    expect(ruleOf('FREQ=WEEKLY', 4)).toBe('FREQ=WEEKLY;COUNT=4')
    expect(repeatOf('')).toEqual({ repeat: 'none', count: 10 })
    expect(ruleOf('none', 3)).toBe('')
  })
  it('keeps rules the dialog cannot express as they are', () => {
    const r = repeatOf('FREQ=WEEKLY;UNTIL=20260301T000000Z;BYDAY=MO')
    expect(r.repeat).toBe('custom:FREQ=WEEKLY;UNTIL=20260301T000000Z;BYDAY=MO')
    expect(ruleOf(r.repeat, r.count)).toBe('FREQ=WEEKLY;UNTIL=20260301T000000Z;BYDAY=MO')
  })
})

describe('describeRule', () => {
  const t = i18n.global.t
  it('reads rules out in Chinese', () => {
    setLocale('zh-CN')
    expect(describeRule(t, '')).toBe('不重复')
    expect(describeRule(t, 'FREQ=WEEKLY;BYDAY=MO')).toBe('每周一')
    expect(describeRule(t, 'FREQ=WEEKLY;COUNT=10;BYDAY=WE,MO')).toBe('每周一、周三，共 10 次')
    expect(describeRule(t, 'FREQ=DAILY;COUNT=5;BYDAY=MO,TU,WE,TH,FR')).toBe('每个工作日，共 5 次')
    expect(describeRule(t, 'FREQ=WEEKLY;INTERVAL=2;UNTIL=20260301T000000Z')).toBe('每 2 周，至 2026-03-01')
    expect(describeRule(t, 'FREQ=MONTHLY;BYMONTHDAY=31')).toBe('每月的 31 日')
    expect(describeRule(t, 'FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR')).toBe('FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR')
  })
  it('and in English', () => {
    setLocale('en')
    expect(describeRule(t, 'FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE')).toBe('Weekly on Mon, Wed, 10 times')
    expect(describeRule(t, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR')).toBe('Every 2 weeks on Fri')
    expect(describeRule(t, 'FREQ=DAILY;INTERVAL=3;COUNT=4')).toBe('Every 3 days, 4 times')
    setLocale('zh-CN')
  })
})
