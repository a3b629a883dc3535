package app

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"tack/backend/event"
)

// notice is the OS notification an event raises, in lang: its title and
// body; ok is false for events that raise none. The server's event data
// carries the subject's title (approvals also in English), so nothing here
// needs another request.
func notice(lang string, ev streamEvent) (title, body string, ok bool) {
	str := func(k string) string { s, _ := ev.Data[k].(string); return s }
	switch ev.Type {
	case event.ApprovalTaskAssigned:
		body = str("title")
		if en := str("title_en"); lang == langEN && en != "" {
			body = en
		}
		return tr(lang, "notice.approval"), body, true
	case event.DingReceived:
		title = tr(lang, "notice.ding")
		if from := str("sender_name"); from != "" && ev.Data["auto"] != true {
			title = tr(lang, "notice.ding.from", from)
		}
		msg := str("message")
		if msg == "" {
			msg = str("title")
		}
		return title, dingBody(lang, msg, ev.Data["auto"] == true, str("subject_type")), true
	case event.MeetingReminder:
		return tr(lang, "notice.meeting"), meetingBody(lang, str("title"), str("occurrence_start"), str("occurrence_end"), str("where"), str("online_url")), true
	}
	return "", "", false
}

var unreadMany = regexp.MustCompile(`^Unread \((\d+)\): ([\s\S]*)$`)

// dingBody shows the server's automatic DINGs (written in English with a
// fixed prefix, as the web UI's dingText reads them) in lang; a person's own
// message stays as written, even one that starts like the policy's ("Unread:
// …" typed by a colleague is not dressed up as a notice from Tack). Only the
// policy's DINGs (auto) and announcement reminders (about an announcement,
// which only its publisher may send) are read that way.
func dingBody(lang, msg string, auto bool, subjectType string) string {
	if !auto && subjectType != "announcement" {
		return msg
	}
	if rest, ok := strings.CutPrefix(msg, "Unread: "); ok && auto {
		return tr(lang, "ding.unread", rest)
	}
	if m := unreadMany.FindStringSubmatch(msg); m != nil && auto {
		n, _ := strconv.Atoi(m[1])
		return tr(lang, "ding.unread_many", n, strings.Join(strings.Split(m[2], "; "), tr(lang, "list.sep")))
	}
	if rest, ok := strings.CutPrefix(msg, "Please read: "); ok {
		return tr(lang, "ding.please_read", rest)
	}
	return msg
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
