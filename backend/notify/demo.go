package notify

import (
	"context"
	"fmt"
	"io"
	"tack/backend/identity"
)

// LoadDemo publishes a company notice for the demo company (by publisher,
// the demo administrator), so the announcements page, its read receipts
// and the bell show something. It does nothing when there are announcements.
func (s *Service) LoadDemo(ctx context.Context, publisher identity.Actor, out io.Writer) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Announcement{}).Count(&n).Error; err != nil {
		return fmt.Errorf("notify: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, err := s.Publish(ctx, publisher, AnnouncementRequest{Title: "关于元旦放假安排的通知", Format: "markdown", RequireAck: true, Everyone: true,
		Body: "各位同事：\n\n根据国家规定，**1 月 1 日至 1 月 3 日**放假调休，共 3 天；**1 月 4 日（周日）**正常上班。\n\n" +
			"- 放假前请关好门窗、电源\n- 需要加班的同事请提前提交「加班」审批\n\n行政部"})
	if err != nil {
		return fmt.Errorf("notify: demo announcement: %w", err)
	}
	fmt.Fprintln(out, "notify: 1 announcement to everyone (acknowledgement required)")
	return nil
}
