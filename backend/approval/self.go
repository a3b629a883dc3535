package approval

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/org"
)

// Where a step goes when it would land on the applicant (Template.SelfApproval).
// Nobody approves their own request: the applicant is always taken off a
// step; these say what happens when nobody else is left on it.
const (
	// SelfUp hands the step to the applicant's own leader: their manager, or
	// the head of the department above (org.ManagerChain), else the general
	// manager, else an administrator. DingTalk's usual setting and the
	// default of the built-in templates.
	SelfUp = "up"
	// SelfAuto approves the step automatically (ReasonSelf).
	SelfAuto = "auto"
	// SelfUser hands the step to Template.SelfApprovalUser (SelfUp when that
	// is the applicant or has left).
	SelfUser = "user"
)

// Notes on a step that landed on the applicant (RouteNode.Self says which rule applied).
const (
	NoteSelfUp   = "applicant_self_up"
	NoteSelfUser = "applicant_self_user"
)

var selfRules = []string{SelfUp, SelfAuto, SelfUser}

// selfApprovers resolves a step that would land on the applicant alone by
// the template's rule: who approves instead, and which rule applied ("" and
// no one: approve it automatically).
func (s *Service) selfApprovers(ctx context.Context, t Template, applicant org.User) ([]string, string, []string, error) {
	rule := t.SelfApproval
	if rule == "" {
		rule = SelfAuto // a template saved before the setting existed behaved so
	}
	if rule == SelfAuto {
		return nil, "", nil, nil
	}
	if rule == SelfUser && t.SelfApprovalUser != "" && t.SelfApprovalUser != applicant.ID {
		u, err := s.org.User(ctx, t.SelfApprovalUser)
		if err == nil && u.Active {
			return []string{u.ID}, SelfUser, []string{NoteSelfUser}, nil
		}
	}
	chain, err := s.org.ManagerChain(ctx, applicant.ID, 1)
	if err != nil {
		return nil, "", nil, err
	}
	if len(chain) > 0 {
		return []string{chain[0].ID}, SelfUp, []string{NoteSelfUp}, nil
	}
	// The top of the tree: the general manager, then an administrator.
	for i, role := range []string{org.RoleGeneralManager, org.RoleAdmin} {
		us, err := s.org.UsersWithRole(ctx, role)
		if err != nil {
			return nil, "", nil, err
		}
		for _, u := range us {
			if u.ID != applicant.ID {
				notes := []string{NoteSelfUp}
				if i == 1 {
					notes = append(notes, NoteEscalateAdmin)
				}
				return []string{u.ID}, SelfUp, notes, nil
			}
		}
	}
	return nil, "", nil, nil // nobody else in the company
}

// checkSelfRule checks t's rule in tx, before it is written: SelfUser's
// approver must be an active user (read with org.LockActive, so a
// deactivation cannot slip in between).
func checkSelfRule(tx *gorm.DB, t *Template) error {
	var v apperr.Validator
	switch {
	case !slices.Contains(selfRules, t.SelfApproval):
		v.Check(false, "self_approval", "invalid")
	case t.SelfApproval != SelfUser:
		t.SelfApprovalUser = ""
	case t.SelfApprovalUser == "":
		v.Check(false, "self_approval_user", "required")
	default:
		gone, err := org.LockActive(tx, []string{t.SelfApprovalUser})
		if err != nil {
			return err
		}
		v.Check(len(gone) == 0, "self_approval_user", "not_found")
	}
	t.SkipSelf = t.SelfApproval == SelfAuto
	return v.Err("approval.invalid_template", "check the template")
}
