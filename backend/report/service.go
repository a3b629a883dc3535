package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/clock"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
	"tack/backend/workcal"
)

// Leaves says who is on approved leave on a day (approval.Service, wired by
// the server): their expected reports of that day are exempt.
type Leaves interface {
	OnLeave(ctx context.Context, day string, userIDs []string) (map[string]bool, error)
}

// Deps are what the report service uses from other domains. A nil Leaves
// exempts nobody for leave.
type Deps struct {
	Leaves Leaves
	// Activity lists a writer's activity for a new report's suggestion
	// (Suggest); none suggests nothing.
	Activity []Activity
	// Files shares attached drive files with the recipients; without it a
	// report with attachments cannot be sent.
	Files Files
}

// Service is the work reports domain.
type Service struct {
	db       *gorm.DB
	clock    clock.Clock
	org      *org.Service
	cal      *workcal.Service
	leaves   Leaves
	activity []Activity
	files    Files
}

// NewService builds the reports service.
func NewService(db *gorm.DB, clk clock.Clock, o *org.Service, cal *workcal.Service, deps Deps) *Service {
	return &Service{db: db, clock: clk, org: o, cal: cal, leaves: deps.Leaves, activity: deps.Activity, files: deps.Files}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// calendar returns the company calendar.
func (s *Service) calendar(ctx context.Context) (workcal.Calendar, error) {
	return s.cal.Calendar(ctx)
}

// chainIDs returns the IDs of a department and those above it.
func (s *Service) chainIDs(ctx context.Context, deptID string) ([]string, []org.Department, error) {
	chain, err := s.org.DepartmentChain(ctx, deptID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(chain))
	for i, d := range chain {
		ids[i] = d.ID
	}
	return ids, chain, nil
}

// mayUse reports whether a writer in the departments chain (their own and
// those above) may write reports of t.
func mayUse(t Template, userID string, chain []string) bool {
	if len(t.Departments) == 0 && len(t.Users) == 0 {
		return true
	}
	if slices.Contains(t.Users, userID) {
		return true
	}
	for _, d := range chain {
		if slices.Contains(t.Departments, d) {
			return true
		}
	}
	return false
}

// leaderOf resolves a writer's leader from their department chain.
func (s *Service) leaderOf(ctx context.Context, writerID string, chain []org.Department) (string, error) {
	var heads []string
	for _, d := range chain {
		if d.HeadID != nil {
			heads = append(heads, *d.HeadID)
		}
	}
	active := map[string]bool{}
	if len(heads) > 0 {
		var ids []string
		if err := s.db.WithContext(ctx).Model(&org.User{}).Where("id IN ? AND active = ?", heads, true).Pluck("id", &ids).Error; err != nil {
			return "", fmt.Errorf("report: leaders: %w", err)
		}
		for _, id := range ids {
			active[id] = true
		}
	}
	return LeaderOf(writerID, chain, active), nil
}

// Leader returns the user ID of the writer's leader ("" when nobody leads).
func (s *Service) Leader(ctx context.Context, writerID string) (string, error) {
	u, err := s.org.User(ctx, writerID)
	if err != nil {
		return "", err
	}
	_, chain, err := s.chainIDs(ctx, u.DepartmentID)
	if err != nil {
		return "", err
	}
	return s.leaderOf(ctx, writerID, chain)
}

// Templates lists the active templates the actor may write.
func (s *Service) Templates(ctx context.Context, actor identity.Actor) ([]Template, error) {
	var all []Template
	if err := s.db.WithContext(ctx).Where("active = ?", true).Order("sort_order, id").Find(&all).Error; err != nil {
		return nil, fmt.Errorf("report: templates: %w", err)
	}
	chain, _, err := s.chainIDs(ctx, actor.DepartmentID)
	if err != nil {
		return nil, err
	}
	out := []Template{}
	for _, t := range all {
		if mayUse(t, actor.UserID, chain) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Template returns one template the actor may write.
func (s *Service) Template(ctx context.Context, actor identity.Actor, id string) (Template, error) {
	ts, err := s.Templates(ctx, actor)
	if err != nil {
		return Template{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return Template{}, ErrTemplateNotFound
}

func (s *Service) template(db *gorm.DB, id string) (Template, error) {
	var t Template
	if err := db.First(&t, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return Template{}, ErrTemplateNotFound
		}
		return Template{}, fmt.Errorf("report: template %s: %w", id, err)
	}
	return t, nil
}
