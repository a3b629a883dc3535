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
