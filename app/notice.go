package app

import (
	"strings"
	"time"

	"tack/backend/event"
)

// notice is the OS notification an event raises, in lang: its title and
// body; ok is false for events that raise none. The server's event data
// carries the subject's title (approvals also in English), so nothing here
// needs another request.
func notice(lang string, ev streamEvent) (title, body string, ok bool) {
	switch ev.Type {
	case event.ApprovalTaskAssigned:
		p, _ := event.Decode[event.Approval](ev.Data)
		body = p.Title
		if lang == langEN && p.TitleEn != "" {
			body = p.TitleEn
		}
		return tr(lang, "notice.approval"), body, true
	case event.DingReceived:
		d, _ := event.Decode[event.Ding](ev.Data)
		title = tr(lang, "notice.ding")
		if d.SenderName != "" && !d.Auto {
			title = tr(lang, "notice.ding.from", d.SenderName)
		}
		if d.Message == "" {
			d.Message = d.Title
		}
		return title, dingBody(lang, d), true
	case event.ReportSubmitted, event.ReportMentioned:
		p, _ := event.Decode[event.Report](ev.Data)
		if ev.Type == event.ReportMentioned {
			return tr(lang, "notice.report.mentioned"), p.Title, true
		}
		return tr(lang, "notice.report"), p.Title, true
	case event.ChatBusySummary:
		b, _ := event.Decode[event.ChatBusy](ev.Data)
		return tr(lang, "notice.chat.busy"), tr(lang, "notice.chat.busy.body", b.Title, b.Count), true
	case event.MeetingReminder:
		m, _ := event.Decode[event.Meeting](ev.Data)
		return tr(lang, "notice.meeting"), meetingBody(lang, m.Title, m.OccurrenceStart, m.OccurrenceEnd, m.Where, m.OnlineURL), true
	}
	return attendanceNotice(lang, ev)
}

// dingBody is a DING's text in lang: a DING Tack wrote itself (it has
// Content) from its fields, by the message table's "ding.<kind>" entries;
// a person's message as written.
func dingBody(lang string, d event.Ding) string {
	c := d.Content
	if c == nil || len(c.Items) == 0 {
		return d.Message
	}
	titles := c.Titles(lang == langEN)
	switch {
	case c.Kind == event.DingUnread && c.Count > 1:
		return tr(lang, "ding.unread_many", c.Count, strings.Join(titles, tr(lang, "list.sep")))
	case c.Kind == event.DingUnread:
		return tr(lang, "ding.unread", titles[0])
	case c.Kind == event.DingPleaseRead:
		return tr(lang, "ding.please_read", titles[0])
	}
	return d.Message // a kind this client does not know yet: the server's English
}

// meetingBody is the meeting's title, then its hours on this computer's
// clock and where it is.
func meetingBody(lang, title, start, end, where, online string) string {
	s, err := time.Parse(time.RFC3339, start)
	if err != nil {
		return title
	}
	when := s.Local().Format("15:04")
	if e, err := time.Parse(time.RFC3339, end); err == nil {
		when += "–" + e.Local().Format("15:04")
	}
	if where == "" && online != "" {
		where = tr(lang, "meeting.where_online")
	}
	if where == "" {
		return tr(lang, "meeting.body.when", title, when)
	}
	return tr(lang, "meeting.body.when_where", title, when, where)
}
