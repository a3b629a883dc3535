import { afterEach, describe, expect, it, vi } from 'vitest'
import { fetchRoutes, mountView, settle } from '../../test/mount'
import { useSession } from '@/stores/session'
import MeetingDetail from './MeetingDetail.vue'

// Who may change a meeting is read from the session store (the route guard
// loaded it), not from a /me of the page's own.
const meeting = {
  id: 'm1', title: '周会', organizer_id: 'u1', minute_taker_id: 'u2', room_id: '', place: '三楼', online_url: '', agenda: '',
  attachments: [], time_zone: 'Asia/Shanghai', start: '2026-01-06T02:00:00Z', end: '2026-01-06T03:00:00Z', rrule: '',
  reminder_minutes: 10, status: 'active', version: 3, exceptions: [],
  attendees: [{ user_id: 'u2', response: 'accepted' }, { user_id: 'u3', response: 'pending' }],
}
const minutes = { meeting_id: 'm1', occurrence_start: '', present: [], absent: [], discussion: '', decisions: [], action_items: [],
  status: 'draft', document_id: '', version: 0 }

describe('MeetingDetail and the session store', { timeout: 60_000 }, () => {
  afterEach(() => { vi.unstubAllGlobals(); document.body.innerHTML = '' })

  async function openAs(me: { id: string; roles: string[] }) {
    const calls = fetchRoutes({
      'GET /api/v1/meetings/m1': [200, meeting],
      'GET /api/v1/meetings/m1/minutes': [200, minutes],
      'GET /api/v1/rooms': [200, { items: [], next_cursor: '' }],
      'GET /api/v1/users': [200, { items: [{ id: 'u1', name: '张伟' }, { id: 'u2', name: '李娜' }, { id: 'u3', name: '王芳' }], next_cursor: '' }],
    })
    const { wrapper } = await mountView(MeetingDetail, '/meetings/m1')
    useSession().setMe({ ...me, name: me.id } as never)
    await settle()
    return { wrapper, calls }
  }

  it('offers the organizer the changes, and asks no /me', async () => {
    const { wrapper, calls } = await openAs({ id: 'u1', roles: ['member'] })
    expect(wrapper.find('[data-test=meeting-title]').text()).toBe('周会')
    expect(wrapper.find('[data-test=edit-meeting]').exists()).toBe(true)
    expect(wrapper.find('[data-test=rsvp]').exists()).toBe(false) // the organizer is not an invitee
    expect(calls.map((c) => c.path)).not.toContain('/api/v1/me')
  })

  it('offers an invitee the answer, not the changes', async () => {
    const { wrapper } = await openAs({ id: 'u3', roles: ['member'] })
    expect(wrapper.find('[data-test=edit-meeting]').exists()).toBe(false)
    expect(wrapper.find('[data-test=rsvp]').exists()).toBe(true)
  })

  it('offers an admin the changes of someone else\'s meeting', async () => {
    const { wrapper } = await openAs({ id: 'boss', roles: ['member', 'admin'] })
    expect(wrapper.find('[data-test=edit-meeting]').exists()).toBe(true)
  })
})
