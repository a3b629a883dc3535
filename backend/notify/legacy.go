package notify

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"tack/backend/event"
)

// legacyUnreadMany is how the escalation policy worded a DING about several
// notices before DINGs carried event.DingContent.
var legacyUnreadMany = regexp.MustCompile(`^Unread \((\d+)\): ([\s\S]*)$`)

// legacyDingContent reads the content back from a DING written before
// content had fields: the policy's "Unread: <title>" and "Unread (N):
// <title>; <title>", and an announcement reminder's "Please read: <title>".
// Only DINGs Tack wrote are read so (auto, or about an announcement, which
// only its publisher reminds of): a colleague's "Unread: …" is their words.
// This is the one place the sentences are parsed; no client does it.
func legacyDingContent(d Ding) *event.DingContent {
	if rest, ok := strings.CutPrefix(d.Message, "Unread: "); ok && d.Auto {
		return &event.DingContent{Kind: event.DingUnread, Count: 1, Items: []event.DingItem{{Title: rest}}}
	}
	if m := legacyUnreadMany.FindStringSubmatch(d.Message); m != nil && d.Auto {
		n, _ := strconv.Atoi(m[1])
		c := &event.DingContent{Kind: event.DingUnread, Count: n, Items: []event.DingItem{}}
		for _, t := range strings.Split(m[2], "; ") {
			c.Items = append(c.Items, event.DingItem{Title: t})
		}
		return c
	}
	if rest, ok := strings.CutPrefix(d.Message, "Please read: "); ok && d.SubjectType == "announcement" {
		return &event.DingContent{Kind: event.DingPleaseRead, Count: 1, Items: []event.DingItem{
			{Type: event.AnnouncementPublished, Title: rest, Link: "/announcements/" + d.SubjectID}}}
	}
	return nil
}

// backfillDingContent gives the DINGs written before migration
// notify-0008 their content, so old rows render like new ones.
func backfillDingContent(tx *gorm.DB) error {
	var ds []Ding
	err := tx.Select("id", "message", "auto", "subject_type", "subject_id").
		Where("auto = ? OR subject_type = ?", true, "announcement").
		FindInBatches(&ds, 500, func(*gorm.DB, int) error {
			for _, d := range ds {
				c := legacyDingContent(d)
				if c == nil {
					continue
				}
				b, err := json.Marshal(c)
				if err != nil {
					return err
				}
				if err := tx.Model(&Ding{}).Where("id = ?", d.ID).Update("content", string(b)).Error; err != nil {
					return err
				}
			}
			return nil
		}).Error
	return err
}
