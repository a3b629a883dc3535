package server

import (
	"context"
	"io"
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
	return s.Drive.LoadDemo(ctx, s.Org, out)
}
