package server

import (
	"context"
	"fmt"
	"io"

	"tack/backend/org"
)

// LoadDemo fills an empty workspace with a demo company so a newcomer sees a
// living workspace. It does nothing when setup has already been done.
func LoadDemo(ctx context.Context, s *Server, out io.Writer) error {
	if err := s.Org.LoadDemo(ctx, out); err != nil {
		return err
	}
	if err := s.Meeting.LoadDemo(ctx, out); err != nil {
		return err
	}
	if err := s.Approval.LoadDemo(ctx, out); err != nil {
		return err
	}
	if err := s.Drive.LoadDemo(ctx, s.Org, out); err != nil {
		return err
	}
	if err := s.Report.LoadDemo(ctx, out); err != nil {
		return err
	}
	if err := s.Chat.LoadDemo(ctx, out); err != nil {
		return err
	}
	if err := s.Attendance.LoadDemo(ctx, out); err != nil {
		return err
	}
	var admin org.User
	if err := s.DB.WithContext(ctx).Where("email = ?", "admin@demo.tack").Limit(1).Find(&admin).Error; err != nil {
		return fmt.Errorf("server: demo admin: %w", err)
	}
	if admin.ID == "" {
		return nil // no demo company
	}
	a, err := s.Org.ActorFor(ctx, admin.ID)
	if err != nil {
		return err
	}
	return s.Notify.LoadDemo(ctx, a, out)
}
