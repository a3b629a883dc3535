package approval

import (
	"fmt"

	"gorm.io/gorm"
)

// Hooked is what a domain that reacts to approvals learns about a request:
// attendance excuses the time of approved leave, trips and outings and
// fills a missing punch from an approved 补卡 request.
type Hooked struct {
	InstanceID  string
	BuiltinKey  string // the built-in template's key ("leave", "makeup_clock", ...); "" for an admin's template
	ApplicantID string
	Status      string // pending at submit; approved, rejected or withdrawn at finish
	Form        map[string]any
	ActorID     string
}

// Hook runs inside the approval's transaction; an error rolls the action
// back (a submit hook refusing the request is how a domain enforces a cap).
type Hook func(tx *gorm.DB, h Hooked) error

// OnSubmit registers a hook run when a request is submitted, before it is written.
func (s *Service) OnSubmit(h Hook) { s.submitHooks = append(s.submitHooks, h) }

// OnFinish registers a hook run when a request is approved, rejected or withdrawn.
func (s *Service) OnFinish(h Hook) { s.finishHooks = append(s.finishHooks, h) }

func (s *Service) runHooks(tx *gorm.DB, hooks []Hook, inst *Instance, actorID string) error {
	if len(hooks) == 0 {
		return nil
	}
	h := Hooked{InstanceID: inst.ID, ApplicantID: inst.ApplicantID, Status: inst.Status, Form: inst.Form, ActorID: actorID}
	// A template's built-in key never changes: read it once per process.
	if k, ok := s.builtinKeys.Load(inst.TemplateID); ok {
		h.BuiltinKey = k.(string)
	} else {
		var keys []string
		if err := tx.Model(&Template{}).Where("id = ?", inst.TemplateID).Pluck("builtin_key", &keys).Error; err != nil {
			return fmt.Errorf("approval: hook template: %w", err)
		}
		if len(keys) == 1 {
			h.BuiltinKey = keys[0]
			s.builtinKeys.Store(inst.TemplateID, keys[0])
		}
	}
	for _, fn := range hooks {
		if err := fn(tx, h); err != nil {
			return err
		}
	}
	return nil
}
