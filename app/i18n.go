package app

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// The desktop shell's own texts (tray menu, OS notifications) in the two
// UI languages. The web UI has its catalogs in frontend/src/locales; these
// few live here because they are drawn by the OS, not by the page.
const (
	langZH = "zh-CN"
	langEN = "en"
)

// shellTexts maps a key to its zh-CN and en text (fmt verbs allowed).
var shellTexts = map[string][2]string{
	"tray.open":                   {"打开 Tack", "Open Tack"},
	"tray.open.tip":               {"显示窗口", "Show the window"},
	"tray.approvals":              {"待我审批（%d）", "Approvals waiting (%d)"},
	"tray.approvals.tip":          {"打开审批待办", "Open your approval inbox"},
	"tray.sync.tip":               {"文件夹同步状态", "Folder sync status"},
	"tray.pause.tip":              {"暂停或继续文件夹同步", "Pause or resume folder sync"},
	"tray.quit":                   {"退出", "Quit"},
	"tray.quit.tip":               {"退出 Tack", "Quit Tack"},
	"tray.punch":                  {"打卡", "Punch"},
	"tray.punch.tip":              {"通过办公网络打卡", "Punch in or out over the office network"},
	"punch.done":                  {"Tack：打卡成功", "Tack: Punched"},
	"punch.auto_done":             {"Tack：已自动打卡（极速打卡）", "Tack: Punched automatically"},
	"punch.done.body":             {"打卡时间 %s", "Punched at %s"},
	"punch.failed":                {"Tack：打卡失败", "Tack: Punch failed"},
	"punch.err.no_office_network": {"当前不在公司办公网络内，无法打卡。可在手机上用定位或外勤打卡。", "This computer is not on an office network. Punch by location or as a field punch on your phone."},
	"punch.err.no_group":          {"你还没有考勤组，请联系考勤管理员。", "You are in no attendance group; ask your attendance admin."},
	"punch.err.not_connected":     {"还没有连接服务器。", "Tack is not connected to a server."},
	"punch.err.unreachable":       {"无法连接服务器，请稍后再试。", "The server cannot be reached; try again later."},
	"punch.err.signed_out":        {"请先在 Tack 中登录。", "Sign in to Tack first."},
	"punch.err.rate_limited":      {"操作太频繁，请稍后再试。", "Too many attempts; try again shortly."},
	"punch.err.other":             {"打卡没有成功，请在 Tack 的我的考勤中重试。", "The punch did not go through; try again on My attendance in Tack."},
	"notice.field_punch":          {"Tack：外勤打卡待查看", "Tack: Field punch to review"},
	"notice.field_approved":       {"Tack：外勤打卡已通过", "Tack: Field punch approved"},
	"notice.field_rejected":       {"Tack：外勤打卡被驳回", "Tack: Field punch rejected"},
	"notice.punch_reminder":       {"Tack：打卡提醒", "Tack: Punch reminder"},
	"notice.punch_reminder.body":  {"别忘了打卡。", "Remember to punch."},
	"notice.punch_reminder.in":    {"上班打卡 %s", "Punch in by %s"},
	"notice.punch_reminder.out":   {"下班打卡 %s", "Punch out from %s"},
	"tray.unread":                 {"Tack — %d 条未读", "Tack — %d unread"},
	"sync.not_running":            {"同步：未运行", "Sync: not running"},
	"sync.no_folders":             {"同步：没有文件夹", "Sync: no folders"},
	"sync.status":                 {"同步：%s（%d 个文件夹）", "Sync: %s (%d folders)"},
	"sync.held":                   {"同步：%d 个删除等待你确认（点击查看）", "Sync: %d deletes wait for your confirmation (open to review)"},
	"sync.pause":                  {"暂停同步", "Pause sync"},
	"sync.resume":                 {"继续同步", "Resume sync"},
	"sync.state.synced":           {"已是最新", "up to date"},
	"sync.state.syncing":          {"正在同步", "syncing"},
	"sync.state.paused":           {"已暂停", "paused"},
	"sync.state.confirm":          {"等待确认", "needs confirmation"},
	"sync.state.degraded":         {"监听受限", "degraded"},
	"sync.state.error":            {"出错", "error"},
	"sync.state.stopped":          {"已停止", "stopped"},
	"sync.stopped":                {"同步：%d 个文件夹已停止同步（点击查看）", "Sync: %d folders stopped syncing (open to see why)"},
	"sync.overwrites":             {"同步：%d 个文件同时被改写，等待你确认（点击查看）", "Sync: %d files rewritten at once wait for your confirmation (open to review)"},
	"sync.skipped":                {"同步：%d 个文件未能备份（点击查看）", "Sync: %d files could not be backed up (open to see why)"},
	"notice.stopped":              {"Tack：文件夹已停止同步", "Tack: a folder stopped syncing"},
	"notice.stopped.body":         {"%s 已停止同步，不再备份：%s", "%s stopped syncing and is no longer backed up: %s"},
	"notice.approval":             {"Tack：新的审批待你处理", "Tack: New approval waiting for you"},
	"notice.ding":                 {"Tack：DING", "Tack: DING"},
	"notice.ding.from":            {"Tack：%s 的 DING", "Tack: DING from %s"},
	"notice.meeting":              {"Tack：会议即将开始", "Tack: Meeting soon"},
	"notice.report":               {"Tack：收到新日志", "Tack: New work report"},
	"notice.report.mentioned":     {"Tack：日志中提到了你", "Tack: You were mentioned in a work report"},
	"notice.held":                 {"Tack：删除等待你确认", "Tack: deletes wait for your confirmation"},
	"sync.state.folder_gone":      {"云盘文件夹已删除或移走", "drive folder deleted or moved"},
	"sync.state.signed_out":       {"需要重新登录", "sign in again"},
	"sync.signed_out":             {"同步：登录已过期，请重新登录（点击打开）", "Sync: your sign-in expired; sign in again (open Tack)"},
	"notice.signed_out":           {"Tack：请重新登录", "Tack: sign in again"},
	"notice.signed_out.body":      {"登录已过期，文件夹同步已暂停。在 Tack 中重新登录后会自动继续。", "Your sign-in expired and folder sync is on hold. Sign in to Tack again and it resumes by itself."},
	"confirm.connect":             {"Tack：连接到服务器？", "Tack: connect to this server?"},
	"confirm.connect.body":        {"Tack 将使用服务器 %s。只连接你信任的服务器。", "Tack will use the server %s. Connect only to a server you trust."},
	"confirm.deletes":             {"Tack：确认删除？", "Tack: confirm the deletes?"},
	"confirm.deletes.body":        {"%[2]s 中删除的 %[1]d 个文件将在网盘上删除（移到回收站）。确定吗？", "%[1]d files deleted in %[2]s will be deleted on the drive too (moved to its trash). Continue?"},
	"confirm.overwrites":          {"Tack：确认上传改写？", "Tack: upload the rewritten files?"},
	"confirm.overwrites.body":     {"%[2]s 中 %[1]d 个同时被改写的文件将作为新版本上传。只有这是你有意的改动时才确认。", "%[1]d files rewritten at once in %[2]s will be uploaded as new versions. Confirm only if you made these changes."},
	"notice.held.body":            {"%[2]s 中删除的 %[1]d 个文件暂不同步，等你确认（文件夹同步）。", "%[1]d files deleted in %[2]s are held until you confirm (Folder sync)."},
	"ding.unread":                 {"你有未读的重要通知：%s", "Unread important notice: %s"},
	"ding.unread_many":            {"你有 %d 条未读的重要通知：%s", "You have %d unread important notices: %s"},
	"ding.please_read":            {"请阅读公告：%s", "Please read: %s"},
	"list.sep":                    {"；", "; "},
	"meeting.where_online":        {"线上会议", "online"},
	"meeting.body.when_where":     {"%s\n%s · %s", "%s\n%s · %s"},
	"meeting.body.when":           {"%s\n%s", "%s\n%s"},
	"tray.unread_chat":            {"Tack — %d 条未读通知，%d 条未读消息", "Tack — %d unread, %d chat messages"},
	"notice.chat.direct":          {"Tack：%s", "Tack: %s"},
	"notice.chat.busy":            {"Tack：会议期间的群消息", "Tack: group messages during your meeting"},
	"notice.chat.busy.body":       {"「%s」有 %d 条新消息", "%s got %d new messages"},
	"notice.chat.mention":         {"Tack：%s 在「%s」中提到了你", "Tack: %s mentioned you in %s"},

	"update.available":         {"Tack：新版本可用 %s", "Tack: new version %s available"},
	"update.ready":             {"Tack %s 已下载并验证", "Tack %s downloaded and verified"},
	"update.ready.body":        {"重启 Tack 后即使用新版本。", "Restart Tack to use the new version."},
	"update.failed":            {"Tack：无法安装 %s", "Tack: could not install %s"},
	"update.refused":           {"Tack：已拒绝更新 %s", "Tack: update %s refused"},
	"update.refused.signature": {"服务器提供的版本签名无效，未安装。请告知管理员。", "The build the server offers is not signed by your company's release key and was not installed. Tell your administrator."},
	"update.refused.downgrade": {"服务器提供的版本不比当前版本 %s 新，未安装。请告知管理员。", "The build the server offers is not newer than this version (%s) and was not installed. Tell your administrator."},
}

// tr returns the text of key in lang (zh-CN unless lang is en), formatted
// with args; an unknown key is returned as is, so a slip shows, not blank.
func tr(lang, key string, args ...any) string {
	t, ok := shellTexts[key]
	if !ok {
		return key
	}
	s := t[0]
	if lang == langEN {
		s = t[1]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// shellLang is the language of the shell's texts: the signed-in account's
// choice once known, before that the system's (LANG and friends), and
// Chinese when neither says — the product's default.
type shellLang struct{ v atomic.Value }

// Get returns zh-CN or en.
func (l *shellLang) Get() string {
	if s, ok := l.v.Load().(string); ok {
		return s
	}
	return systemLang()
}

// Set records the account's language; "" (no choice made) keeps the
// system's.
func (l *shellLang) Set(s string) {
	if s = normLang(s); s != "" {
		l.v.Store(s)
	}
}

// systemLang reads the POSIX locale variables in their order of precedence.
// Windows and macOS apps rarely have them; there the default is Chinese.
func systemLang() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		// C and POSIX (C.UTF-8 too: the default of minimal systems and
		// containers) say nothing about the user's language.
		if v := os.Getenv(k); v != "" && !noLanguage(v) {
			if l := normLang(v); l != "" {
				return l
			}
			return langEN
		}
	}
	return langZH
}

func noLanguage(v string) bool {
	base, _, _ := strings.Cut(v, ".")
	return base == "C" || base == "POSIX"
}

// normLang maps "zh_CN.UTF-8", "zh-TW", "en_US" ... to zh-CN or en; ""
// for anything else.
func normLang(s string) string {
	s = strings.ToLower(s)
	switch {
	case strings.HasPrefix(s, "zh"):
		return langZH
	case strings.HasPrefix(s, "en"):
		return langEN
	}
	return ""
}
