package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tack/backend/event"
	"tack/backend/workcal"
)

// Security modes of the SMTP connection.
const (
	SecurityAuto     = ""         // STARTTLS when the server offers it (the default)
	SecurityStartTLS = "starttls" // STARTTLS, required
	SecurityTLS      = "tls"      // TLS from the start ("SMTPS", usually port 465)
	SecurityNone     = "none"     // never encrypted (a relay on the local network)
)

// mailTimeout bounds one delivery, connection to QUIT.
const mailTimeout = time.Minute

// mailTexts are the notification sentences of an email, per language:
// the same as the web UI's notify.types (email cannot run the UI's i18n).
var mailTexts = map[string][2]string{ // type → {zh-CN, en}
	event.ApprovalTaskAssigned:    {"有一条审批待你处理：%s", "An approval is waiting for you: %s"},
	event.ApprovalDecided:         {"你的审批已%[2]s：%[1]s", "Your approval was %[2]s: %[1]s"},
	event.ApprovalCC:              {"审批抄送给你：%s", "You were copied on an approval: %s"},
	event.ApprovalReminder:        {"催办：请尽快处理审批 %s", "Reminder: please handle the approval %s"},
	event.ApprovalOverdue:         {"审批已超时：%s", "Approval is overdue: %s"},
	event.ApprovalWithdrawn:       {"审批已撤回：%s", "Approval withdrawn: %s"},
	event.ApprovalReturned:        {"审批被退回：%s", "Approval returned: %s"},
	event.ApprovalComment:         {"审批有新评论：%s", "New comment on approval: %s"},
	event.MeetingInvited:          {"你被邀请参加会议：%s", "You are invited to a meeting: %s"},
	event.MeetingChanged:          {"会议有变更：%s", "Meeting changed: %s"},
	event.MeetingCancelled:        {"会议已取消：%s", "Meeting cancelled: %s"},
	event.MeetingReminder:         {"会议即将开始：%s", "Meeting starting soon: %s"},
	event.MeetingMinutesPublished: {"会议纪要已发布：%s", "Minutes published: %s"},
	event.TaskAssigned:            {"你有一项新任务：%s", "A task was assigned to you: %s"},
	event.TaskOverdue:             {"任务已逾期：%s", "Task overdue: %s"},
	event.DriveShared:             {"有文件共享给你：%s", "A file was shared with you: %s"},
	event.DingReceived:            {"%[2]s 的 DING：%[1]s", "DING from %[2]s: %[1]s"},
	event.AnnouncementPublished:   {"新公告：%s", "New announcement: %s"},
	event.OrgUserDeactivated:      {"用户已停用：%s", "User deactivated: %s"},
	event.ReportSubmitted:         {"收到新日志：%s", "New work report: %s"},
	event.ReportCommented:         {"日志有新评论：%s", "New comment on a work report: %s"},
	event.ReportMentioned:         {"有日志提到了你：%s", "You were mentioned in a work report: %s"},
	event.AttendanceFieldPunch:    {"外勤打卡待查看：%s", "Field punch to review: %s"},
	event.AttendanceReminder:      {"考勤提醒：别忘了打卡（%s）", "Attendance reminder: remember to punch (%s)"},
	event.AttendanceSummary:       {"%s 的考勤异常", "Attendance exceptions on %s"},
	event.AttendanceMonthReady:    {"月度考勤待确认：%s", "Monthly attendance to confirm: %s"},
	event.AttendanceFieldReviewed: {"你的外勤打卡已%[2]s：%[1]s", "Your field punch was %[2]s: %[1]s"},
}

// mailWords are the other words of an email, per language.
var mailWords = map[string][2]string{
	"approved": {"通过", "approved"},
	"rejected": {"驳回", "rejected"},
	"many":     {"你有 %d 条未读通知", "You have %d unread notifications"},
	"when":     {"时间：%s", "When: %s"},
	"where":    {"地点：%s", "Where: %s"},
	"online":   {"线上会议：%s", "Online: %s"},
	"due":      {"截止日期：%s", "Due: %s"},
	"open":     {"查看：%s", "Open: %s"},
	"footer":   {"这些通知发出 15 分钟后你仍未读，且当时不在线，所以 Tack 用邮件转告你。请勿直接回复此邮件。", "You had not read these notifications 15 minutes after they arrived and were not online, so Tack sent them by email. Please do not reply to this message."},
	// The DINGs Tack writes itself, by event.DingContent kind.
	"ding.unread":      {"你有未读的重要通知：%s", "You have not read: %s"},
	"ding.unread_many": {"你有 %d 条未读的重要通知：%s", "You have %d unread important notices: %s"},
	"ding.please_read": {"请阅读公告：%s", "Please read: %s"},
	"listSep":          {"；", "; "},
	"testSub":          {"Tack 邮件通知测试", "Tack email test"},
	"testBody":         {"这是一封测试邮件：Tack 可以通过这台邮件服务器发送通知。", "This is a test: Tack can send notifications through this mail server."},
}

// zhWeekdays are the days of the week as Chinese dates name them.
var zhWeekdays = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// lang picks the column of mailTexts/mailWords for a person's locale; Tack
// speaks Chinese unless the person chose English.
func lang(locale string) int {
	if locale == "en" {
		return 1
	}
	return 0
}

func word(l int, key string) string { return mailWords[key][l] }

// noteText is one notification as a sentence in language l.
func noteText(l int, n Notification) string {
	t, ok := mailTexts[n.Type]
	if !ok {
		return n.Body
	}
	if n.Type == event.ApprovalDecided || n.Type == event.AttendanceFieldReviewed {
		outcome, _ := n.Data["outcome"].(string)
		if w, ok := mailWords[outcome]; ok {
			outcome = w[l]
		}
		return fmt.Sprintf(t[l], n.Title, outcome)
	}
	if n.Type == event.DingReceived {
		// Who sent it: a colleague's DING arrives from Tack's own address,
		// and without the name it would read as the system's (a message
		// asking to "sign in again at <link>" is phishing).
		d, _ := event.Decode[event.Ding](n.Data)
		return fmt.Sprintf(t[l], dingText(l, n.Title, d.Content), d.SenderName)
	}
	return fmt.Sprintf(t[l], n.Title)
}

// meetingZone is the zone of a meeting notice that names none (meetings
// default to Asia/Shanghai, meeting.DefaultTimeZone).
var meetingZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// meetingWhen is a meeting notice's time in the meeting's zone:
// "2026-12-08 周二 10:00–11:00 (中国标准时间)", the zone by its localized name.
func meetingWhen(l int, d map[string]any) string {
	str := func(k string) string { s, _ := d[k].(string); return s }
	startS := str("occurrence_start")
	endS := str("occurrence_end")
	if startS == "" {
		startS, endS = str("start"), str("end")
	}
	start, err := time.Parse(time.RFC3339, startS)
	if err != nil {
		return ""
	}
	loc, err := time.LoadLocation(str("time_zone"))
	if err != nil || str("time_zone") == "" {
		loc = meetingZone
	}
	end, err := time.Parse(time.RFC3339, endS)
	if err != nil && str("start") != "" && str("end") != "" { // a sitting named by its start only
		s0, _ := time.Parse(time.RFC3339, str("start"))
		e0, _ := time.Parse(time.RFC3339, str("end"))
		end, err = start.Add(e0.Sub(s0)), nil
	}
	s := start.In(loc)
	day := s.Format("2006-01-02 Mon")
	if l == 0 {
		day = s.Format("2006-01-02 ") + zhWeekdays[s.Weekday()]
	}
	out := day + " " + s.Format("15:04")
	if err == nil {
		out += "–" + end.In(loc).Format("15:04")
	}
	return out + " (" + workcal.ZoneName(loc.String(), l != 0) + ")"
}

// noteDetails are the lines under a notification: when and where for a
// meeting, the due date of a task, and the link to open it.
func noteDetails(l int, n Notification, siteURL string) []string {
	var out []string
	if strings.HasPrefix(n.Type, "meeting.") { // every event.Meeting* type
		if w := meetingWhen(l, n.Data); w != "" {
			out = append(out, fmt.Sprintf(word(l, "when"), w))
		}
		if w, _ := n.Data["where"].(string); w != "" {
			out = append(out, fmt.Sprintf(word(l, "where"), w))
		}
		if u, _ := n.Data["online_url"].(string); u != "" {
			out = append(out, fmt.Sprintf(word(l, "online"), u))
		}
	}
	if due, _ := n.Data["due"].(string); strings.HasPrefix(n.Type, "task.") && due != "" {
		out = append(out, fmt.Sprintf(word(l, "due"), due))
	}
	if n.Link != "" {
		out = append(out, fmt.Sprintf(word(l, "open"), absoluteLink(siteURL, n.Link)))
	}
	return out
}

// absoluteLink makes an app route clickable from a mail program: the
// configured site address plus the route (the route alone without one).
func absoluteLink(siteURL, link string) string {
	if siteURL == "" || !strings.HasPrefix(link, "/") {
		return link
	}
	return strings.TrimRight(siteURL, "/") + link
}

// renderMail is the subject and text of one email to p about notes.
func renderMail(es EmailSettings, p Person, notes []Notification) (string, string) {
	l := lang(p.Locale)
	subject := "[Tack] " + fmt.Sprintf(word(l, "many"), len(notes))
	if len(notes) == 1 {
		subject = "[Tack] " + noteText(l, notes[0])
	}
	var b strings.Builder
	for i, n := range notes {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(noteText(l, n) + "\n")
		for _, d := range noteDetails(l, n, es.SiteURL) {
			b.WriteString("    " + d + "\n")
		}
	}
	b.WriteString("\n-- \n" + word(l, "footer") + "\n")
	return subject, b.String()
}

// buildMessage is a complete RFC 5322 message: UTF-8 text, quoted-printable,
// marked as automatic so mail programs do not answer it.
func buildMessage(from, to, subject, body string, now time.Time) ([]byte, error) {
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return nil, err
	}
	host := fa.Address[strings.LastIndexByte(fa.Address, '@')+1:]
	var id [12]byte
	_, _ = rand.Read(id[:])
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n", fa.String(), to,
		mime.QEncoding.Encode("UTF-8", subject), now.Format(time.RFC1123Z), hex.EncodeToString(id[:]), host)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n")
	b.WriteString("Auto-Submitted: auto-generated\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MailProblem says which step of an SMTP delivery failed: "connect", "tls",
// "auth" or "rejected" (the server refused the sender, recipient or message).
type MailProblem struct {
	Step string
	Err  error
	// Recipient: the server refused this one recipient (RCPT), not the
	// connection, the login or the sender; other people's mail still goes.
	Recipient bool
}

// permanent reports whether the server refused for good (an SMTP 5xx reply),
// so trying again would only repeat it.
func (e *MailProblem) permanent() bool {
	var tp *textproto.Error
	return errors.As(e.Err, &tp) && tp.Code >= 500
}

func (e *MailProblem) Error() string { return "notify: mail " + e.Step + ": " + e.Err.Error() }
func (e *MailProblem) Unwrap() error { return e.Err }

// deliverMail sends msg to one recipient through the configured server.
// tlsConf may be nil (the system's roots, the host's name).
func deliverMail(ctx context.Context, es EmailSettings, tlsConf *tls.Config, to string, msg []byte) error {
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: es.Host, MinVersion: tls.VersionTLS12}
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	addr := net.JoinHostPort(es.Host, strconv.Itoa(es.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return &MailProblem{Step: "connect", Err: err}
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if es.Security == SecurityTLS {
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			return &MailProblem{Step: "tls", Err: err}
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, es.Host)
	if err != nil {
		return &MailProblem{Step: "connect", Err: err}
	}
	defer c.Close()
	if es.Security == SecurityAuto || es.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConf); err != nil {
				return &MailProblem{Step: "tls", Err: err}
			}
		} else if es.Security == SecurityStartTLS {
			return &MailProblem{Step: "tls", Err: errors.New("the server does not offer STARTTLS")}
		}
	}
	if es.User != "" {
		// PlainAuth refuses to send the password unencrypted except to localhost.
		if err := c.Auth(smtp.PlainAuth("", es.User, es.Password, es.Host)); err != nil {
			return &MailProblem{Step: "auth", Err: err}
		}
	}
	fa, err := mail.ParseAddress(es.From)
	if err != nil {
		return &MailProblem{Step: "rejected", Err: err}
	}
	if err := c.Mail(fa.Address); err != nil {
		return &MailProblem{Step: "rejected", Err: err}
	}
	if err := c.Rcpt(to); err != nil {
		return &MailProblem{Step: "rejected", Err: err, Recipient: true}
	}
	w, err := c.Data()
	if err != nil {
		return &MailProblem{Step: "rejected", Err: err}
	}
	if _, err := w.Write(msg); err != nil {
		return &MailProblem{Step: "rejected", Err: err}
	}
	if err := w.Close(); err != nil {
		return &MailProblem{Step: "rejected", Err: err}
	}
	return c.Quit()
}

// validSiteURL accepts an http(s) address with a host and no query.
func validSiteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.RawQuery == "" && u.Fragment == ""
}

// dingText is a DING's message in language l: a DING Tack wrote itself from
// its content, a person's as written.
func dingText(l int, message string, c *event.DingContent) string {
	if c == nil || len(c.Items) == 0 {
		return message
	}
	titles := c.Titles(l == 1)
	switch {
	case c.Kind == event.DingUnread && c.Count > 1:
		return fmt.Sprintf(word(l, "ding.unread_many"), c.Count, strings.Join(titles, word(l, "listSep")))
	case c.Kind == event.DingUnread:
		return fmt.Sprintf(word(l, "ding.unread"), titles[0])
	case c.Kind == event.DingPleaseRead:
		return fmt.Sprintf(word(l, "ding.please_read"), titles[0])
	}
	return message
}
