package approval

import (
	"context"
	"fmt"
	"slices"

	"tack/backend/identity"
	"tack/backend/org"
)

// RouteNode is a resolved node stored on the instance: who approves or is
// CC'd, or why it was skipped. Notes explain escalations (no head found...).
type RouteNode struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	NameZh     string   `json:"name_zh"`
	NameEn     string   `json:"name_en"`
	Mode       string   `json:"mode,omitempty"`
	Approvers  []string `json:"approvers"`
	Skipped    bool     `json:"skipped"`
	SkipReason string   `json:"skip_reason,omitempty"`
	Notes      []string `json:"notes,omitempty"`
	// Self is set when the step would have landed on the applicant and went
	// elsewhere: SelfUp (their leader) or SelfUser (the template's fallback).
	Self string `json:"self,omitempty"`
}

// Skip and escalation reasons (i18n keys under approvals.reason).
const (
	ReasonSelf          = "applicant_is_approver"
	ReasonRepeat        = "same_as_previous"
	ReasonNoApprover    = "no_approver"
	NoteEscalateManager = "escalated_to_manager"
	NoteEscalateAdmin   = "escalated_to_admin"
	NoteInactiveSkipped = "inactive_approver_replaced"
	// NoteDepartedReplaced: the approver left after submission; their
	// successor approves instead (or, for a CC, no one is copied).
	NoteDepartedReplaced = "departed_approver_replaced"
)

// Preview is the resolved route for a form.
type Preview struct {
	Nodes []RouteNode          `json:"nodes"`
	CC    []string             `json:"cc"`
	Users map[string]UserBrief `json:"users"`
	// Form is the form as the server reads it (computed days, normalised money).
	Form map[string]any `json:"form"`
	// Undecided are condition fields still empty: the route may change once filled.
	Undecided []string `json:"undecided"`
}

// UserBrief is the name card of a user in a route or timeline.
type UserBrief struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Title  string `json:"title"`
	Active bool   `json:"active"`
}

// applicantOf reads the actor as an applicant: their user row, with the
// roles the actor carries when it carries any (an authenticated actor always
// does: the session cache keeps them current), and their department chain.
func (s *Service) applicantOf(ctx context.Context, actor identity.Actor) (org.User, Applicant, error) {
	var u org.User
	var err error
	if actor.Roles != nil {
		u, err = s.org.UserWithRoles(ctx, actor.UserID, actor.Roles)
	} else {
		u, err = s.org.User(ctx, actor.UserID)
	}
	if err != nil {
		return org.User{}, Applicant{}, err
	}
	chain, err := s.org.DepartmentChain(ctx, u.DepartmentID)
	if err != nil {
		return org.User{}, Applicant{}, err
	}
	a := Applicant{UserID: u.ID, Roles: u.Roles, chain: chain}
	for _, d := range chain {
		a.Departments = append(a.Departments, d.ID)
	}
	return u, a, nil
}

// resolveRoute turns a flow into concrete nodes for the applicant and form.
// It reads the directory and must run outside a write transaction.
// In a draft, an "applicant chooses" node not chosen yet stays empty
// instead of escalating.
func (s *Service) resolveRoute(ctx context.Context, t Template, flow Flow, applicant org.User, a Applicant, form map[string]any, chosen map[string][]string, draft bool) ([]RouteNode, error) {
	var out []RouteNode
	var prev []string
	for _, n := range Flatten(flow.Nodes, form, a) {
		rn := RouteNode{ID: n.ID, Type: n.Type, NameZh: n.NameZh, NameEn: n.NameEn, Mode: n.Mode}
		if rn.Mode == "" {
			rn.Mode = ModeSequential
		}
		ids, notes, err := s.resolveApprovers(ctx, n.Approvers, applicant, a.chain, chosen[n.ID])
		if err != nil {
			return nil, err
		}
		rn.Notes = notes
		if n.Type == NodeCC {
			rn.Approvers = ids
			rn.Skipped = len(ids) == 0
			if rn.Skipped {
				rn.SkipReason = ReasonNoApprover
			}
			out = append(out, rn)
			continue
		}
		if len(ids) == 0 && draft && n.Approvers.Kind == ApproverApplicant {
			rn.Approvers = []string{}
			out = append(out, rn)
			continue
		}
		if len(ids) == 0 {
			// Never stall: escalate to the applicant's manager, then an admin.
			ids, notes, err = s.escalate(ctx, applicant)
			if err != nil {
				return nil, err
			}
			rn.Notes = append(rn.Notes, notes...)
		}
		if slices.Contains(ids, applicant.ID) {
			// Nobody approves their own request: whatever the step's kind,
			// the applicant is taken off it, and a step left empty goes
			// where the template says (selfApprovers).
			ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == applicant.ID })
			if len(ids) == 0 {
				var selfNotes []string
				ids, rn.Self, selfNotes, err = s.selfApprovers(ctx, t, applicant)
				if err != nil {
					return nil, err
				}
				rn.Notes = append(rn.Notes, selfNotes...)
				if len(ids) == 0 {
					rn.Skipped, rn.SkipReason = true, ReasonSelf
				}
			}
		}
		if !rn.Skipped && t.SkipRepeat && len(prev) > 0 && subset(ids, prev) {
			rn.Skipped, rn.SkipReason = true, ReasonRepeat
		}
		rn.Approvers = ids
		if !rn.Skipped {
			prev = ids
		}
		out = append(out, rn)
	}
	return out, nil
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func (s *Service) escalate(ctx context.Context, applicant org.User) ([]string, []string, error) {
	chain, err := s.org.ManagerChain(ctx, applicant.ID, 1)
	if err != nil {
		return nil, nil, err
	}
	if len(chain) > 0 {
		return []string{chain[0].ID}, []string{NoteEscalateManager}, nil
	}
	admins, err := s.org.UsersWithRole(ctx, org.RoleAdmin)
	if err != nil {
		return nil, nil, err
	}
	if len(admins) == 0 {
		return nil, nil, fmt.Errorf("approval: no administrator to escalate to")
	}
	return []string{admins[0].ID}, []string{NoteEscalateAdmin}, nil
}

// chain is the applicant's department chain when already read (nil: read it).
func (s *Service) resolveApprovers(ctx context.Context, spec ApproverSpec, applicant org.User, chain []org.Department, chosen []string) ([]string, []string, error) {
	var ids, notes []string
	switch spec.Kind {
	case ApproverManager, ApproverManagerN:
		n := 1
		if spec.Kind == ApproverManagerN && spec.Levels > 0 {
			n = spec.Levels
		}
		chain, err := s.org.ManagerChain(ctx, applicant.ID, n)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range chain {
			ids = append(ids, u.ID)
		}
	case ApproverDeptHead:
		var h *org.User
		var err error
		if len(chain) > 0 && chain[0].ID == applicant.DepartmentID {
			h, err = s.org.HeadIn(ctx, chain)
		} else {
			h, err = s.org.DepartmentHead(ctx, applicant.DepartmentID)
		}
		if err != nil {
			return nil, nil, err
		}
		if h != nil {
			ids = append(ids, h.ID)
		}
	case ApproverRole:
		us, err := s.org.UsersWithRole(ctx, spec.Role)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range us {
			ids = append(ids, u.ID)
		}
	case ApproverUsers, ApproverApplicant:
		want := spec.UserIDs
		if spec.Kind == ApproverApplicant {
			want = chosen
		}
		us, err := s.org.UsersByID(ctx, want)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range want {
			if u, ok := us[id]; ok && u.Active && !slices.Contains(ids, id) {
				ids = append(ids, id)
			} else if ok && !u.Active {
				notes = append(notes, NoteInactiveSkipped)
			}
		}
	}
	return ids, notes, nil
}
