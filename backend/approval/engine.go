package approval

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/event"
	"tack/backend/notify"
	"tack/backend/store"
)

// stageGap spaces the stages of a node so approvers can be added between.
const stageGap = 1 << 16

func (s *Service) link(inst *Instance) string { return "/approvals/" + inst.ID }

func (s *Service) emit(tx *gorm.DB, inst *Instance, typ, actorID string, to []string, p event.Approval) error {
	if len(to) == 0 {
		return nil
	}
	if inst.held != nil {
		*inst.held = append(*inst.held, heldEvent{typ, actorID, to, p})
		return nil
	}
	p.Title, p.TitleEn, p.Link, p.Number = inst.Title, inst.TitleEn, s.link(inst), inst.Number
	return notify.Emit(tx, &notify.Event{Type: typ, SubjectType: "approval", SubjectID: inst.ID,
		ActorID: actorID, Recipients: uniq(to), Data: event.Data(p)})
}

// heldEvent is an emit waiting for its instance's number.
type heldEvent struct {
	typ, actorID string
	to           []string
	p            event.Approval
}

func uniq(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (s *Service) timeline(tx *gorm.DB, inst *Instance, actorID, action string, node int, comment string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	e := TimelineEntry{ID: store.NewID(), InstanceID: inst.ID, ActorID: actorID, Action: action,
		NodeIndex: node, Comment: comment, Data: data, CreatedAt: s.clock.Now()}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("approval: timeline: %w", err)
	}
	return nil
}

// saveInstance writes the mutable columns guarded by version.
func (s *Service) saveInstance(tx *gorm.DB, inst *Instance) error {
	now := s.clock.Now()
	res := tx.Model(&Instance{}).Where("id = ? AND version = ?", inst.ID, inst.Version).Updates(map[string]any{
		"current_node": inst.CurrentNode, "status": inst.Status, "archived": inst.Archived,
		"finished_at": inst.FinishedAt, "last_reminded_at": inst.LastRemindedAt, "route": mustJSON(inst.Route),
		"version": inst.Version + 1, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("approval: save instance: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	inst.Version++
	inst.UpdatedAt = now
	return nil
}

// setTask moves a task from one status to another, guarded by its version.
func (s *Service) setTask(tx *gorm.DB, t *Task, status, comment string) error {
	now := s.clock.Now()
	upd := map[string]any{"status": status, "version": t.Version + 1}
	if status != TaskPending && status != TaskWaiting {
		upd["acted_at"] = now
		t.ActedAt = &now
	}
	if comment != "" {
		upd["comment"] = comment
	}
	if status == TaskPending {
		upd["assigned_at"] = now
		t.AssignedAt = &now
	}
	res := tx.Model(&Task{}).Where("id = ? AND version = ? AND status = ?", t.ID, t.Version, t.Status).Updates(upd)
	if res.Error != nil {
		return fmt.Errorf("approval: update task: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errStale
	}
	t.Version++
	t.Status = status
	return nil
}

func (s *Service) newTask(tx *gorm.DB, inst *Instance, node, stage int, kind, assignee, status string) (*Task, error) {
	now := s.clock.Now()
	t := &Task{ID: store.NewID(), InstanceID: inst.ID, NodeIndex: node, Stage: stage, Kind: kind,
		AssigneeID: assignee, Status: status, Version: 1, CreatedAt: now}
	if status == TaskPending {
		t.AssignedAt = &now
		if kind == KindApprove {
			if err := s.setDue(tx, inst, t, now); err != nil {
				return nil, err
			}
		}
	}
	if err := tx.Create(t).Error; err != nil {
		return nil, fmt.Errorf("approval: create task: %w", err)
	}
	return t, nil
}

// setDue sets the SLA deadline of a task that becomes pending at now.
func (s *Service) setDue(tx *gorm.DB, inst *Instance, t *Task, now time.Time) error {
	hours, err := s.slaHours(tx, inst.TemplateID)
	if err != nil {
		return err
	}
	cal, err := s.cal.Load(tx)
	if err != nil {
		return err
	}
	due := cal.AddWorkingHours(now, hours)
	t.DueAt = &due
	t.SLAStage = 0
	return nil
}

func (s *Service) slaHours(tx *gorm.DB, templateID string) (float64, error) {
	var h float64
	if v, ok := store.TxMemo.Load(tx, slaMemo+templateID); ok {
		h = v.(float64) // Submit read the template already
	} else if err := tx.Model(&Template{}).Where("id = ?", templateID).Pluck("sla_hours", &h).Error; err != nil {
		return 0, fmt.Errorf("approval: sla hours: %w", err)
	}
	if h <= 0 {
		h = DefaultSLAHours
	}
	return h, nil
}

// slaMemo+template ID is where a transaction keeps the template's SLA hours.
const slaMemo = "approval.sla_hours:"

// activateFrom walks the route from node idx: skipped nodes are recorded,
// CC nodes notify and continue, the first approver node gets its tasks. Past
// the last node the instance is approved.
func (s *Service) activateFrom(tx *gorm.DB, inst *Instance, idx int, actorID string) error {
	for ; idx < len(inst.Route); idx++ {
		n := inst.Route[idx]
		inst.CurrentNode = idx
		if n.Skipped {
			if n.Type == NodeApprover {
				if err := s.timeline(tx, inst, "system", "auto_approved", idx, "", map[string]any{"reason": n.SkipReason}); err != nil {
					return err
				}
			}
			continue
		}
		if len(n.Notes) > 0 {
			action, data := "escalated", map[string]any{"notes": n.Notes, "approvers": n.Approvers}
			if n.Self != "" {
				// Not a missing approver: the step was the applicant's own.
				action, data["to"] = "self_escalated", n.Approvers
			}
			if err := s.timeline(tx, inst, "system", action, idx, "", data); err != nil {
				return err
			}
		}
		if n.Type == NodeCC {
			for _, u := range n.Approvers {
				if _, err := s.newTask(tx, inst, idx, 0, KindCC, u, TaskApproved); err != nil {
					return err
				}
			}
			if err := s.timeline(tx, inst, "system", "cc", idx, "", map[string]any{"users": n.Approvers}); err != nil {
				return err
			}
			if err := s.emit(tx, inst, event.ApprovalCC, actorID, n.Approvers, event.Approval{}); err != nil {
				return err
			}
			continue
		}
		var pending []string
		for i, u := range n.Approvers {
			stage, status := 0, TaskPending
			if n.Mode == ModeSequential {
				stage = i * stageGap
				if i > 0 {
					status = TaskWaiting
				}
			}
			if _, err := s.newTask(tx, inst, idx, stage, KindApprove, u, status); err != nil {
				return err
			}
			if status == TaskPending {
				pending = append(pending, u)
			}
		}
		return s.emit(tx, inst, event.ApprovalTaskAssigned, actorID, pending, event.Approval{})
	}
	return s.finish(tx, inst, StatusApproved, actorID)
}

// finish closes the instance: open tasks are cancelled, it is archived and the applicant told.
func (s *Service) finish(tx *gorm.DB, inst *Instance, status, actorID string) error {
	now := s.clock.Now()
	if err := tx.Model(&Task{}).Where("instance_id = ? AND status IN ?", inst.ID, []string{TaskPending, TaskWaiting}).
		Updates(map[string]any{"status": TaskCancelled, "acted_at": now}).Error; err != nil {
		return fmt.Errorf("approval: cancel tasks: %w", err)
	}
	inst.Status, inst.Archived, inst.FinishedAt = status, true, &now
	if err := s.runHooks(tx, s.finishHooks, inst, actorID); err != nil {
		return err
	}
	if status == StatusWithdrawn {
		return nil
	}
	if err := s.timeline(tx, inst, actorID, "finished", inst.CurrentNode, "", map[string]any{"outcome": status}); err != nil {
		return err
	}
	return s.emit(tx, inst, event.ApprovalDecided, actorID, []string{inst.ApplicantID}, event.Approval{Outcome: status})
}

func (s *Service) openTasks(tx *gorm.DB, instID string, node int) ([]Task, error) {
	var ts []Task
	err := tx.Where("instance_id = ? AND node_index = ? AND kind = ? AND status IN ?", instID, node, KindApprove,
		[]string{TaskPending, TaskWaiting}).Order("stage, id").Find(&ts).Error
	if err != nil {
		return nil, fmt.Errorf("approval: open tasks: %w", err)
	}
	return ts, nil
}

// advance is called after a task of the current node was closed: it
// activates the next stage or moves to the next node.
func (s *Service) advance(tx *gorm.DB, inst *Instance, actorID string) error {
	open, err := s.openTasks(tx, inst.ID, inst.CurrentNode)
	if err != nil {
		return err
	}
	var waiting []Task
	for _, t := range open {
		if t.Status == TaskPending {
			return nil // this stage is not done yet (会签)
		}
		waiting = append(waiting, t)
	}
	if len(waiting) == 0 {
		return s.activateFrom(tx, inst, inst.CurrentNode+1, actorID)
	}
	stage := waiting[0].Stage
	var to []string
	for i := range waiting {
		t := &waiting[i]
		if t.Stage != stage {
			break
		}
		if err := s.setDue(tx, inst, t, s.clock.Now()); err != nil {
			return err
		}
		if err := tx.Model(&Task{}).Where("id = ?", t.ID).Updates(map[string]any{"due_at": t.DueAt, "sla_stage": 0}).Error; err != nil {
			return fmt.Errorf("approval: task due: %w", err)
		}
		if err := s.setTask(tx, t, TaskPending, ""); err != nil {
			return err
		}
		to = append(to, t.AssigneeID)
	}
	return s.emit(tx, inst, event.ApprovalTaskAssigned, actorID, to, event.Approval{})
}
