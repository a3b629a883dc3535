// The booking dialog's repeat choices as RRULEs and back. The server stores
// rules in rrule-go's canonical order (FREQ=DAILY;COUNT=5;BYDAY=...), so a
// stored rule is matched to a choice by its parts, not by its text.
export const REPEAT_CHOICES = ['FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', 'FREQ=WEEKLY', 'FREQ=WEEKLY;INTERVAL=2', 'FREQ=MONTHLY']

const parts = (rule: string) => rule.replace(/^RRULE:/, '').split(';').map((p) => p.trim()).filter(Boolean)
const key = (ps: string[]) => [...ps].sort().join(';')

/** repeatOf maps a stored rule to a choice and a count; other rules come back as 'custom:<rule>'. */
export function repeatOf(rule: string): { repeat: string; count: number } {
  if (!rule) return { repeat: 'none', count: 10 }
  const ps = parts(rule)
  const count = ps.find((p) => p.startsWith('COUNT='))
  const rest = key(ps.filter((p) => !p.startsWith('COUNT=') && p !== 'INTERVAL=1'))
  const choice = REPEAT_CHOICES.find((c) => key(parts(c)) === rest)
  if (!choice || !count) return { repeat: 'custom:' + rule, count: 10 }
  return { repeat: choice, count: Number(count.slice(6)) }
}

/** ruleOf is the RRULE for a choice ('' for none; a custom rule unchanged). */
export function ruleOf(repeat: string, count: number): string {
  if (repeat === 'none') return ''
  if (repeat.startsWith('custom:')) return repeat.slice(7)
  return `${repeat};COUNT=${count}`
}

type T = (key: string, named?: Record<string, unknown>) => string
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']

/**
 * describeRule reads a stored RRULE out as people say it ("每周一、周三，共
 * 10 次", "every 2 weeks until 2026-03-01"). Rules with parts it does not
 * know (BYSETPOS, BYMONTH, ...) come back as they are.
 */
export function describeRule(t: T, rule: string): string {
  if (!rule) return t('meetings.repeat.none')
  const map = new Map(parts(rule).map((p) => p.split('=') as [string, string]))
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'COUNT', 'UNTIL', 'BYMONTHDAY', 'WKST'])
  const byday = (map.get('BYDAY') ?? '').split(',').filter(Boolean)
  if ([...map.keys()].some((k) => !known.has(k)) || byday.some((d) => !DAYS.includes(d))) return rule
  const n = Number(map.get('INTERVAL') ?? '1') || 1
  const days = byday.sort((a, b) => DAYS.indexOf(a) - DAYS.indexOf(b)).map((d) => t('meetings.repeatText.day.' + d)).join(t('meetings.repeatText.sep'))
  let text: string
  switch (map.get('FREQ')) {
    case 'DAILY':
      text = byday.join(',') === 'MO,TU,WE,TH,FR' && n === 1 ? t('meetings.repeat.weekdays')
        : n === 1 ? t('meetings.repeatText.daily') : t('meetings.repeatText.everyNDays', { n })
      if (days && text !== t('meetings.repeat.weekdays')) text += t('meetings.repeatText.on', { days })
      break
    case 'WEEKLY':
      if (n === 1) text = days ? t('meetings.repeatText.weeklyOn', { days }) : t('meetings.repeat.weekly')
      else text = t('meetings.repeatText.everyNWeeks', { n }) + (days ? t('meetings.repeatText.on', { days }) : '')
      break
    case 'MONTHLY': {
      const md = map.get('BYMONTHDAY')
      text = n === 1 ? t('meetings.repeat.monthly') : t('meetings.repeatText.everyNMonths', { n })
      if (md) text += t('meetings.repeatText.onMonthDay', { day: md })
      break
    }
    case 'YEARLY':
      text = n === 1 ? t('meetings.repeatText.yearly') : t('meetings.repeatText.everyNYears', { n })
      break
    default:
      return rule
  }
  const count = map.get('COUNT')
  const until = map.get('UNTIL')
  if (count) text += t('meetings.repeatText.count', { n: Number(count) })
  else if (until) {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(until)
    text += t('meetings.repeatText.until', { date: m ? `${m[1]}-${m[2]}-${m[3]}` : until })
  }
  return text
}
