export default {
  appName: 'Tack',
  home: {
    nav: 'Workbench',
    hello: 'Hello, {name}',
    todo: 'To approve',
    meetingsToday: 'Meetings today',
    unread: 'Unread notifications',
    agenda: 'Today',
    noMeetings: 'No meetings today',
    quick: 'Apps',
    quickItems: { approval: 'New request', meeting: 'Book a meeting', contacts: 'Contacts', announcements: 'Announcements', admin: 'Organization' },
    startTitle: 'Getting started',
    startText: 'Build the org chart under Admin → Departments, then open accounts for your colleagues under Admin → Members.',
  },
  notFound: { title: 'Page not found', text: 'The link may be out of date, or you may not have access.', home: 'Back to the workbench' },
  user: { profile: 'My profile', logout: 'Sign out', language: 'Language' },
  languages: { 'zh-CN': '简体中文', en: 'English' },
  actions: {
    save: 'Save', cancel: 'Cancel', ok: 'OK', delete: 'Delete', edit: 'Edit', create: 'Create', search: 'Search',
    back: 'Back', confirm: 'Confirm', more: 'Load more', title: 'Actions',
  },
  field: {
    required: 'Required',
    invalid: 'Invalid',
    invalid_email: 'Not a valid email address',
    invalid_phone: 'Not a valid phone number',
    duplicate: 'Already exists',
    not_found: 'Does not exist or is deactivated',
    too_long: 'Too long',
    too_short: 'Too short',
    too_large: 'Too large',
    too_small: 'Too small',
    control_character: 'Cannot contain control characters or line breaks',
  },
}

// Errors that any request can get (not tied to one domain).
export const errors = {
  internal: 'Something went wrong on the server; try again later',
  not_found: 'Not found',
  route_not_found: 'No such API route; reload the page',
  invalid_json: 'The request was malformed; reload the page and try again',
  request_too_large: 'What you sent is too large',
  network: 'Cannot reach the server; check your connection',
  invalid_text: 'The text contains a character that cannot be saved (a NUL or a broken character); remove it and try again',
  invalid_utf8: 'The request is not valid UTF-8 text; reload the page and try again',
  json_required: 'The request must be sent as JSON; reload the page and try again',
  events: {
    too_many_streams: 'Too many live connections are open for your account; close some tabs or windows (updates arrive every 30 seconds meanwhile)',
    server_busy: 'The server has too many live connections; updates arrive every 30 seconds until it has room',
  },
  auth: { cross_origin: 'The request came from another site and was refused; open Tack at its own address and try again' },
}
