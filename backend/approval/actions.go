package approval

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// loadForAction reads the instance in tx and refuses finished ones.
func loadForAction(tx *gorm.DB, id string) (*Instance, error) {
	var inst Instance
	if err := tx.First(&inst, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return nil, errNotFound
		}
		return nil, fmt.Errorf("approval: load instance: %w", err)
	}
	if inst.Status != StatusPending {
		return nil, errFinished
	}
	return &inst, nil
}

// myTask finds the actor's pending approval task on the current node.
func myTask(tx *gorm.DB, inst *Instance, actor identity.Actor, taskID string) (*Task, error) {
	var ts []Task
	q := tx.Where("instance_id = ? AND node_index = ? AND kind = ? AND status = ? AND assignee_id = ?",
		inst.ID, inst.CurrentNode, KindApprove, TaskPending, actor.UserID)
	if taskID != "" {
		q = q.Where("id = ?", taskID)
	}
	if err := q.Order("stage, id").Limit(1).Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("approval: my task: %w", err)
	}
	if len(ts) == 0 {
		return nil, errNoTask
	}
	return &ts[0], nil
}

// decideMyTask is myTask and setTask(status, comment) in one statement:
// the actor's pending approval task on the current node (the same one myTask
// picks) moves to status and comes back as it is now. The instance is
// claimed first, so no other action on it runs meanwhile; the status guard
// still refuses a task that is no longer pending.
func (s *Service) decideMyTask(tx *gorm.DB, inst *Instance, actor identity.Actor, taskID, status, comment string) (*Task, error) {
	pick := "SELECT id FROM approval_tasks WHERE instance_id = ? AND node_index = ? AND kind = ? AND status = ? AND assignee_id = ?"
	args := []any{status, s.clock.Now()}
	set := "status = ?, version = version + 1, acted_at = ?"
	if comment != "" {
		set += ", comment = ?"
		args = append(args, comment)
	}
	args = append(args, inst.ID, inst.CurrentNode, KindApprove, TaskPending, actor.UserID)
	if taskID != "" {
		pick += " AND id = ?"
		args = append(args, taskID)
	}
	args = append(args, TaskPending)
	var ts []Task
	if err := tx.Raw("UPDATE approval_tasks SET "+set+" WHERE id = ("+pick+" ORDER BY stage, id LIMIT 1) AND status = ? RETURNING *",
		args...).Scan(&ts).Error; err != nil {
		return nil, fmt.Errorf("approval: decide task: %w", err)
	}
	if len(ts) == 0 {
		return nil, errNoTask
	}
	return &ts[0], nil
}

func checkComment(c string) error {
	if len([]rune(c)) > 2000 {
		return apperr.Invalid("approval.invalid_action", "comment too long").WithField("comment", "too_long")
	}
	return nil
}

// act runs one action on a pending instance in a transaction and saves it.
// An instance the actor may not see does not exist for them (404, not a
// hint that the ID is real).
func (s *Service) act(ctx context.Context, actor identity.Actor, id string, fn func(tx *gorm.DB, inst *Instance) error) (Instance, error) {
	return s.actAssigning(ctx, actor, id, "", fn)
}

// actAssigning is act for an action that gives a task to assignee (transfer,
// add approver). Their activity was checked before the transaction; it is
// checked again under org.LockActive so a deactivation committing meanwhile
// cannot miss the new task. The user row is locked before the instance is
// claimed: Deactivate locks the user and then rewrites instances, and taking
// the two in the same order means the two transactions cannot deadlock.
func (s *Service) actAssigning(ctx context.Context, actor identity.Actor, id, assignee string, fn func(tx *gorm.DB, inst *Instance) error) (Instance, error) {
	read, err := s.viewable(ctx, actor, id)
	if err != nil {
		return Instance{}, err
	}
	if assignee != "" && s.testAssigneesRead != nil {
		s.testAssigneesRead()
	}
	// The first attempt acts on the instance viewable just read: claim's
	// version guard refuses it if anything changed since (every write to an
	// instance bumps its version), and a retry reads it afresh.
	fresh := false
	var out Instance
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if assignee != "" {
			gone, err := org.LockActive(tx, []string{assignee})
			if err != nil {
				return err
			}
			if len(gone) > 0 {
				return errInactiveAssignee
			}
			if s.testAssigneesLocked != nil {
				s.testAssigneesLocked()
			}
		}
		inst := &read
		if fresh {
			var err error
			if inst, err = loadForAction(tx, id); err != nil {
				return err
			}
		} else if read.Status != StatusPending {
			return errFinished
		}
		fresh = true
		// Claim the instance first: the row lock orders concurrent actors
		// (no deadlock between two approvers of one node) and the version
		// guard turns a lost race into a retry on fresh state.
		if err := s.claim(tx, inst); err != nil {
			return err
		}
		if err := fn(tx, inst); err != nil {
			return err
		}
		if err := s.saveInstance(tx, inst); err != nil {
			return err
		}
		out = *inst
		return nil
	})
	return out, err
}

func (s *Service) claim(tx *gorm.DB, inst *Instance) error {
	res := tx.Model(&Instance{}).Where("id = ? AND version = ?", inst.ID, inst.Version).Update("version", inst.Version+1)
	if res.Error != nil {
		return fmt.Errorf("approval: claim: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	inst.Version++
	return nil
}

// Approve approves the actor's pending task. In an any-one (或签) stage the
// other approvers' tasks are closed; the loser of a race gets a conflict.
func (s *Service) Approve(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	if err := checkComment(req.Comment); err != nil {
		return Instance{}, err
	}
	return s.act(ctx, actor, id, func(tx *gorm.DB, inst *Instance) error {
		return s.approveTask(tx, inst, actor, req.TaskID, req.Comment)
	})
}

func (s *Service) approveTask(tx *gorm.DB, inst *Instance, actor identity.Actor, taskID, comment string) error {
	t, err := s.decideMyTask(tx, inst, actor, taskID, TaskApproved, comment)
	if err != nil {
		return err
	}
	if inst.Route[inst.CurrentNode].Mode == ModeAny {
		if err := tx.Model(&Task{}).Where("instance_id = ? AND node_index = ? AND stage = ? AND status = ? AND id <> ?",
			inst.ID, t.NodeIndex, t.Stage, TaskPending, t.ID).Updates(map[string]any{"status": TaskCancelled, "acted_at": s.clock.Now()}).Error; err != nil {
			return fmt.Errorf("approval: close or-sign: %w", err)
		}
	}
	if err := s.timeline(tx, inst, actor.UserID, "approved", inst.CurrentNode, comment, nil); err != nil {
		return err
	}
	node := inst.CurrentNode
	if err := s.advance(tx, inst, actor.UserID); err != nil {
		return err
	}
	if inst.Status != StatusPending {
		return nil // the applicant hears the outcome (approval.decided)
	}
	// A step on the way: the applicant follows their request moving on.
	rn := inst.Route[node]
	return s.emit(tx, inst, event.ApprovalProgressed, actor.UserID, []string{inst.ApplicantID},
		event.Approval{Step: rn.NameZh, StepEn: rn.NameEn, By: actor.UserID})
}

// Reject ends the instance as rejected.
func (s *Service) Reject(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	if err := checkComment(req.Comment); err != nil {
		return Instance{}, err
	}
	return s.act(ctx, actor, id, func(tx *gorm.DB, inst *Instance) error {
		if _, err := s.decideMyTask(tx, inst, actor, req.TaskID, TaskRejected, req.Comment); err != nil {
			return err
		}
		if err := s.timeline(tx, inst, actor.UserID, "rejected", inst.CurrentNode, req.Comment, nil); err != nil {
			return err
		}
		return s.finish(tx, inst, StatusRejected, actor.UserID)
	})
}

var errInactiveAssignee = apperr.Invalid("approval.invalid_action", "choose an active user").WithField("user_id", "not_found")

// errApplicantAssignee refuses handing a step to the applicant: they would
// then approve their own request.
var errApplicantAssignee = apperr.Invalid("approval.applicant_cannot_approve", "the applicant cannot approve their own request").WithField("user_id", "applicant")

// activeUser is the early check (nothing opened yet); actAssigning repeats
// it under a lock.
func (s *Service) activeUser(ctx context.Context, id string) error {
	u, err := s.org.User(ctx, id)
	if err != nil || !u.Active {
		return errInactiveAssignee
	}
	return nil
}

// Transfer hands the actor's task to another user (转交).
func (s *Service) Transfer(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	inst, err := s.viewable(ctx, actor, id)
	if err != nil {
		return Instance{}, err
	}
	if req.UserID == inst.ApplicantID {
		return Instance{}, errApplicantAssignee
	}
	if err := s.activeUser(ctx, req.UserID); err != nil {
		return Instance{}, err
	}
	if req.UserID == actor.UserID {
		return Instance{}, apperr.Invalid("approval.invalid_action", "transfer to someone else").WithField("user_id", "invalid")
	}
	return s.actAssigning(ctx, actor, id, req.UserID, func(tx *gorm.DB, inst *Instance) error {
		t, err := myTask(tx, inst, actor, req.TaskID)
		if err != nil {
			return err
		}
		return s.reassign(tx, inst, t, req.UserID, actor.UserID, "transferred", req.Comment)
	})
}

// reassign closes t as transferred and gives its place to userID.
func (s *Service) reassign(tx *gorm.DB, inst *Instance, t *Task, userID, actorID, action, comment string) error {
	status := t.Status
	if err := s.setTask(tx, t, TaskTransferred, comment); err != nil {
		return err
	}
	var dup int64
	if err := tx.Model(&Task{}).Where("instance_id = ? AND node_index = ? AND assignee_id = ? AND status IN ?",
		inst.ID, t.NodeIndex, userID, []string{TaskPending, TaskWaiting}).Count(&dup).Error; err != nil {
		return fmt.Errorf("approval: reassign: %w", err)
	}
	if dup == 0 {
		nt, err := s.newTask(tx, inst, t.NodeIndex, t.Stage, KindApprove, userID, status)
		if err != nil {
			return err
		}
		if status == TaskPending {
			if err := s.emit(tx, inst, event.ApprovalTaskAssigned, actorID, []string{nt.AssigneeID}, event.Approval{}); err != nil {
				return err
			}
		}
	} else if err := s.advance(tx, inst, actorID); err != nil {
		return err
	}
	return s.timeline(tx, inst, actorID, action, t.NodeIndex, comment, map[string]any{"from": t.AssigneeID, "to": userID})
}

// AddApprover adds an approver before (they approve first, then the actor)
// or after (the actor approves now, they approve next) the actor (加签).
func (s *Service) AddApprover(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	inst, err := s.viewable(ctx, actor, id)
	if err != nil {
		return Instance{}, err
	}
	if req.UserID == inst.ApplicantID {
		return Instance{}, errApplicantAssignee
	}
	if err := s.activeUser(ctx, req.UserID); err != nil {
		return Instance{}, err
	}
	if req.Position != "before" && req.Position != "after" {
		return Instance{}, apperr.Invalid("approval.invalid_action", "position is before or after").WithField("position", "invalid")
	}
	return s.actAssigning(ctx, actor, id, req.UserID, func(tx *gorm.DB, inst *Instance) error {
		t, err := myTask(tx, inst, actor, req.TaskID)
		if err != nil {
			return err
		}
		var stages []int
		if err := tx.Model(&Task{}).Where("instance_id = ? AND node_index = ? AND kind = ?", inst.ID, t.NodeIndex, KindApprove).
			Distinct().Order("stage").Pluck("stage", &stages).Error; err != nil {
			return fmt.Errorf("approval: stages: %w", err)
		}
		data := map[string]any{"user_id": req.UserID, "position": req.Position}
		if req.Position == "before" {
			lo := t.Stage - stageGap
			for _, st := range stages {
				if st < t.Stage && st > lo {
					lo = st
				}
			}
			if t.Stage-lo < 2 {
				return apperr.Conflict("approval.too_many_added", "too many approvers added here")
			}
			if err := tx.Model(&Task{}).Where("instance_id = ? AND node_index = ? AND stage = ? AND status = ?", inst.ID, t.NodeIndex, t.Stage, TaskPending).
				Updates(map[string]any{"status": TaskWaiting, "version": gorm.Expr("version + 1")}).Error; err != nil {
				return fmt.Errorf("approval: hold stage: %w", err)
			}
			if _, err := s.newTask(tx, inst, t.NodeIndex, (lo+t.Stage)/2, KindApprove, req.UserID, TaskPending); err != nil {
				return err
			}
			if err := s.timeline(tx, inst, actor.UserID, "added_approver", inst.CurrentNode, req.Comment, data); err != nil {
				return err
			}
			return s.emit(tx, inst, event.ApprovalTaskAssigned, actor.UserID, []string{req.UserID}, event.Approval{})
		}
		hi := t.Stage + stageGap
		for _, st := range stages {
			if st > t.Stage && st < hi {
				hi = st
			}
		}
		if hi-t.Stage < 2 {
			return apperr.Conflict("approval.too_many_added", "too many approvers added here")
		}
		if _, err := s.newTask(tx, inst, t.NodeIndex, (t.Stage+hi)/2, KindApprove, req.UserID, TaskWaiting); err != nil {
			return err
		}
		if err := s.timeline(tx, inst, actor.UserID, "added_approver", inst.CurrentNode, "", data); err != nil {
			return err
		}
		return s.approveTask(tx, inst, actor, t.ID, req.Comment)
	})
}

// Return sends the instance back to an earlier approver node (退回).
func (s *Service) Return(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	if _, err := s.viewable(ctx, actor, id); err != nil {
		return Instance{}, err
	}
	if req.NodeIndex == nil {
		return Instance{}, apperr.Invalid("approval.invalid_action", "choose the node to return to").WithField("node_index", "required")
	}
	target := *req.NodeIndex
	return s.act(ctx, actor, id, func(tx *gorm.DB, inst *Instance) error {
		t, err := myTask(tx, inst, actor, req.TaskID)
		if err != nil {
			return err
		}
		if target < 0 || target >= inst.CurrentNode || inst.Route[target].Type != NodeApprover || inst.Route[target].Skipped {
			return apperr.Invalid("approval.invalid_action", "return to an earlier approval step").WithField("node_index", "invalid")
		}
		if err := s.setTask(tx, t, TaskReturned, req.Comment); err != nil {
			return err
		}
		if err := tx.Model(&Task{}).Where("instance_id = ? AND node_index = ? AND status IN ?", inst.ID, inst.CurrentNode, []string{TaskPending, TaskWaiting}).
			Updates(map[string]any{"status": TaskCancelled, "acted_at": s.clock.Now()}).Error; err != nil {
			return fmt.Errorf("approval: cancel for return: %w", err)
		}
		if err := s.timeline(tx, inst, actor.UserID, "returned", inst.CurrentNode, req.Comment, map[string]any{"to_node": target}); err != nil {
			return err
		}
		if err := s.emit(tx, inst, event.ApprovalReturned, actor.UserID, append([]string{inst.ApplicantID}, inst.Route[target].Approvers...), event.Approval{ToNode: &target}); err != nil {
			return err
		}
		return s.activateFrom(tx, inst, target, actor.UserID)
	})
}

// Withdraw lets the applicant take back a pending instance (撤销).
func (s *Service) Withdraw(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	return s.act(ctx, actor, id, func(tx *gorm.DB, inst *Instance) error {
		if inst.ApplicantID != actor.UserID {
			return errForbidden
		}
		var open []string
		if err := tx.Model(&Task{}).Where("instance_id = ? AND status = ?", inst.ID, TaskPending).Pluck("assignee_id", &open).Error; err != nil {
			return fmt.Errorf("approval: withdraw: %w", err)
		}
		if err := s.finish(tx, inst, StatusWithdrawn, actor.UserID); err != nil {
			return err
		}
		if err := s.timeline(tx, inst, actor.UserID, "withdrawn", inst.CurrentNode, req.Comment, nil); err != nil {
			return err
		}
		return s.emit(tx, inst, event.ApprovalWithdrawn, actor.UserID, open, event.Approval{})
	})
}

// Comment adds a remark (with optional files, archived with the request) to
// a pending instance.
func (s *Service) Comment(ctx context.Context, actor identity.Actor, id string, req ActionRequest) (Instance, error) {
	var v apperr.Validator
	v.Check(req.Comment != "" || len(req.Attachments) > 0, "comment", "required")
	v.Check(len([]rune(req.Comment)) <= 2000, "comment", "too_long")
	v.Check(len(req.Attachments) <= maxAttachments, "attachments", "too_large")
	if err := v.Err("approval.invalid_action", "write a comment"); err != nil {
		return Instance{}, err
	}
	inst, err := s.viewable(ctx, actor, id)
	if err != nil {
		return Instance{}, err
	}
	if inst.Status != StatusPending {
		return Instance{}, errFinished
	}
	files := []Attachment{}
	if len(req.Attachments) > 0 {
		if s.files == nil {
			return Instance{}, errNoFiles
		}
		if files, err = s.files.ArchiveAttachments(ctx, actor, id, uniq(req.Attachments)); err != nil {
			if apperr.IsKind(err, apperr.KindNotFound) || apperr.IsKind(err, apperr.KindForbidden) {
				return Instance{}, apperr.Invalid("approval.invalid_action", "an attached file cannot be read").WithField("attachments", "not_found")
			}
			return Instance{}, err
		}
	}
	return s.act(ctx, actor, id, func(tx *gorm.DB, inst *Instance) error {
		c := Comment{ID: store.NewID(), InstanceID: inst.ID, AuthorID: actor.UserID, Body: req.Comment, Attachments: []string{}, Files: files, CreatedAt: s.clock.Now()}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("approval: comment: %w", err)
		}
		if err := s.timeline(tx, inst, actor.UserID, "commented", inst.CurrentNode, req.Comment, map[string]any{"files": files}); err != nil {
			return err
		}
		var to []string
		if err := tx.Model(&Task{}).Where("instance_id = ? AND status = ?", inst.ID, TaskPending).Pluck("assignee_id", &to).Error; err != nil {
			return fmt.Errorf("approval: comment: %w", err)
		}
		to = slices.DeleteFunc(append(to, inst.ApplicantID), func(u string) bool { return u == actor.UserID })
		return s.emit(tx, inst, event.ApprovalComment, actor.UserID, to, event.Approval{Comment: req.Comment})
	})
}

// Remind nudges the current approvers (催办): the applicant or an admin, at
// most once an hour per instance.
func (s *Service) Remind(ctx context.Context, actor identity.Actor, id string) (Instance, error) {
	return s.act(ctx, actor, id, func(tx *gorm.DB, inst *Instance) error {
		if inst.ApplicantID != actor.UserID && !actor.IsAdmin() {
			return errForbidden
		}
		now := s.clock.Now()
		if inst.LastRemindedAt != nil && now.Sub(*inst.LastRemindedAt) < time.Hour {
			return errRemindTooSoon.WithRetryAfter(inst.LastRemindedAt.Add(time.Hour).Sub(now))
		}
		inst.LastRemindedAt = &now
		var to []string
		if err := tx.Model(&Task{}).Where("instance_id = ? AND status = ? AND kind = ?", inst.ID, TaskPending, KindApprove).Pluck("assignee_id", &to).Error; err != nil {
			return fmt.Errorf("approval: remind: %w", err)
		}
		if err := s.timeline(tx, inst, actor.UserID, "reminded", inst.CurrentNode, "", map[string]any{"to": to}); err != nil {
			return err
		}
		return s.emit(tx, inst, event.ApprovalReminder, actor.UserID, to, event.Approval{By: "applicant"})
	})
}
