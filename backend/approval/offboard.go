package approval

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tack/backend/org"
	"tack/backend/store"
)

// OnUserDeactivated is the org offboarding hook: the leaving user's open
// approval tasks move to their manager (or the admin org chose), each with a
// timeline entry, and the later steps of pending approvals that name them
// are rerouted the same way, so no approval waits for someone who has left.
// It reads and writes through tx only, and runs after org has locked the
// user's row: every transaction that gave them work committed before (and is
// seen here) or will find them inactive (see org.LockActive). Advancing an
// instance to a later step needs no user lock: the step's approvers come
// from the stored route, which rerouteLater rewrites under the instance's
// lock and version, so an advance either commits first (its new tasks are
// found below) or retries on the rewritten route.
func (s *Service) OnUserDeactivated(ctx context.Context, tx *gorm.DB, user org.User, manager *org.User) error {
	if err := s.rerouteLater(ctx, tx, user, manager); err != nil {
		return err
	}
	var tasks []Task
	if err := tx.Where("assignee_id = ? AND kind = ? AND status IN ?", user.ID, KindApprove, []string{TaskPending, TaskWaiting}).
		Order("id").Find(&tasks).Error; err != nil {
		return fmt.Errorf("approval: offboard tasks: %w", err)
	}
	if len(tasks) == 0 {
		return nil
	}
	if manager == nil {
		return fmt.Errorf("approval: no one to take over %s's approvals", user.ID)
	}
	for i := range tasks {
		t := &tasks[i]
		var inst Instance
		if err := store.ForUpdate(tx).First(&inst, "id = ?", t.InstanceID).Error; err != nil {
			return fmt.Errorf("approval: offboard instance: %w", err)
		}
		// Re-read the task under the instance lock: an action that held the
		// lock may have closed it (an or-sign) since the list was read.
		if err := tx.First(t, "id = ?", t.ID).Error; err != nil {
			return fmt.Errorf("approval: offboard task: %w", err)
		}
		if inst.Status != StatusPending || (t.Status != TaskPending && t.Status != TaskWaiting) {
			continue
		}
		to, err := s.successorIn(ctx, tx, &inst, user, manager)
		if err != nil {
			return err
		}
		if err := s.reassign(tx, &inst, t, to, org.System.UserID, "reassigned", ""); err != nil {
			return err
		}
		if err := s.saveInstance(tx, &inst); err != nil {
			return err
		}
	}
	return nil
}

// rerouteLater replaces the leaver in the routes of pending instances: in
// every approver step by the successor, in a CC step not yet reached by no
// one.
func (s *Service) rerouteLater(ctx context.Context, tx *gorm.DB, user org.User, manager *org.User) error {
	var insts []Instance
	// The route is JSON text: LIKE narrows the scan portably, the loop decides.
	// Locked (PostgreSQL) so that an action on one of them that is in flight
	// finishes first and is read as it committed, rather than making the
	// version guard below fail the whole deactivation.
	if err := store.ForUpdate(tx).Where("status = ? AND route LIKE ?", StatusPending, "%\""+user.ID+"\"%").Order("id").Find(&insts).Error; err != nil {
		return fmt.Errorf("approval: offboard routes: %w", err)
	}
	for i := range insts {
		inst := &insts[i]
		changed := false
		for n := range inst.Route {
			rn := &inst.Route[n]
			if rn.Skipped || !slices.Contains(rn.Approvers, user.ID) {
				continue
			}
			// Approver steps are rewritten wherever they are: an earlier (or
			// the current) one becomes active again when the instance is
			// returned to it. CC steps already sent stay as history.
			if rn.Type != NodeApprover && n <= inst.CurrentNode {
				continue
			}
			ids := slices.DeleteFunc(slices.Clone(rn.Approvers), func(id string) bool { return id == user.ID })
			if rn.Type == NodeApprover {
				to, err := s.successorIn(ctx, tx, inst, user, manager)
				if err != nil {
					return err
				}
				if !slices.Contains(ids, to) {
					ids = append(ids, to)
				}
			} else if len(ids) == 0 {
				rn.Skipped, rn.SkipReason = true, ReasonNoApprover
			}
			rn.Approvers = ids
			rn.Notes = append(rn.Notes, NoteDepartedReplaced)
			changed = true
		}
		if changed {
			if err := s.saveInstance(tx, inst); err != nil {
				return err
			}
		}
	}
	return nil
}

// successorIn is who takes over the leaver's part in inst: their successor,
// unless that is the applicant, who never approves their own request: then
// the applicant's leader (or the general manager, or an administrator) as
// for a step that lands on the applicant (selfApprovers; a template that
// approves such steps automatically still needs someone here, so it goes
// up too). Directory reads happen outside tx (the leaver still reads as
// active there and is skipped); the one chosen is locked active in tx.
func (s *Service) successorIn(ctx context.Context, tx *gorm.DB, inst *Instance, leaver org.User, manager *org.User) (string, error) {
	if manager == nil {
		return "", fmt.Errorf("approval: no one to take over %s's approvals", leaver.ID)
	}
	if manager.ID != inst.ApplicantID {
		return manager.ID, nil
	}
	var t Template
	if err := tx.Select("id", "self_approval", "self_approval_user").First(&t, "id = ?", inst.TemplateID).Error; err != nil {
		return "", fmt.Errorf("approval: offboard template: %w", err)
	}
	if t.SelfApproval != SelfUser || t.SelfApprovalUser == leaver.ID {
		t.SelfApproval = SelfUp
	}
	applicant, err := s.org.User(ctx, inst.ApplicantID)
	if err != nil {
		return "", err
	}
	ids, _, _, err := s.selfApprovers(ctx, t, applicant)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		if id == leaver.ID {
			continue
		}
		gone, err := org.LockActive(tx, []string{id})
		if err != nil {
			return "", err
		}
		if len(gone) == 0 {
			return id, nil
		}
	}
	return "", fmt.Errorf("approval: no one but the applicant to take over %s's step of %s", leaver.ID, inst.ID)
}
