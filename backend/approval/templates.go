package approval

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sync"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/audit"
	"tack/backend/identity"
	"tack/backend/store"
)

var fieldTypes = []string{FieldText, FieldTextarea, FieldNumber, FieldMoney, FieldDate, FieldDateRange, FieldSelect,
	FieldMultiSelect, FieldPerson, FieldDepartment, FieldAttachment, FieldTable}

var keyRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
var prefixRe = regexp.MustCompile(`^[A-Z]{1,6}$`)

// templateWithVersion loads a template and version n (0 = current).
func (s *Service) templateWithVersion(ctx context.Context, id string, n int) (Template, TemplateVersion, error) {
	return templateWithVersionTx(s.db.WithContext(ctx), id, n, s.versions)
}

// versionKey names a template version in Service.versions.
type versionKey struct {
	template string
	number   int
}

func cacheLoad(m *sync.Map, k any) (any, bool) {
	if m == nil {
		return nil, false
	}
	return m.Load(k)
}

// templateWithVersionTx reads template id and its version n (0: the
// current one). A version row is never changed once written (an edit adds
// the next number), so versions read outside a transaction are kept in
// cache (template ID and number → version; nil: no cache), shared by every
// caller: read its Fields and Flow, never write them. A transaction passes
// no cache: the version it reads might be one it wrote and then rolls back.
func templateWithVersionTx(db *gorm.DB, id string, n int, cache *sync.Map) (Template, TemplateVersion, error) {
	var t Template
	if err := db.First(&t, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return t, TemplateVersion{}, errTemplateNotFound
		}
		return t, TemplateVersion{}, fmt.Errorf("approval: template: %w", err)
	}
	if n == 0 {
		n = t.CurrentVersion
	}
	var v TemplateVersion
	if c, ok := cacheLoad(cache, versionKey{id, n}); ok {
		v = c.(TemplateVersion)
	} else if err := db.First(&v, "template_id = ? AND number = ?", id, n).Error; err != nil {
		return t, v, fmt.Errorf("approval: template version: %w", err)
	} else if cache != nil {
		cache.Store(versionKey{id, n}, v)
	}
	t.Fields, t.Flow = v.Fields, v.Flow
	return t, v, nil
}

// Templates lists the templates the actor may start (admins see all, inactive included).
func (s *Service) Templates(ctx context.Context, actor identity.Actor) ([]Template, error) {
	var ts []Template
	q := s.db.WithContext(ctx).Order("category, prefix, id")
	if !actor.IsAdmin() {
		q = q.Where("active = ?", true)
	}
	if err := q.Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("approval: templates: %w", err)
	}
	_, a, err := s.applicantOf(ctx, actor)
	if err != nil && !actor.IsAdmin() {
		return nil, err
	}
	out := make([]Template, 0, len(ts))
	for _, t := range ts {
		if !actor.IsAdmin() && !canStart(t, a) {
			continue
		}
		_, v, err := s.templateWithVersion(ctx, t.ID, t.CurrentVersion)
		if err != nil {
			return nil, err
		}
		t.Fields, t.Flow = v.Fields, v.Flow
		out = append(out, t)
	}
	return out, nil
}

// Template returns a template with its current form and flow.
func (s *Service) Template(ctx context.Context, actor identity.Actor, id string) (Template, error) {
	t, _, err := s.templateWithVersion(ctx, id, 0)
	return t, err
}

// ValidateFields checks a form schema (what the designer saves) and reports
// problems under path ("fields.<i>.<what>"). Work report templates use the
// same schema and call it.
func ValidateFields(fields []Field, path string, v *apperr.Validator) {
	validateFields(fields, path, v, false)
}

func validateFields(fields []Field, path string, v *apperr.Validator, nested bool) {
	seen := map[string]bool{}
	for i, f := range fields {
		p := fmt.Sprintf("%s.%d", path, i)
		v.Check(keyRe.MatchString(f.Key), p+".key", "invalid")
		v.Check(!seen[f.Key], p+".key", "duplicate")
		seen[f.Key] = true
		v.Check(slices.Contains(fieldTypes, f.Type) && !(nested && f.Type == FieldTable), p+".type", "invalid")
		v.Check(f.LabelZh != "" || f.LabelEn != "", p+".label_zh", "required")
		if f.Type == FieldSelect || f.Type == FieldMultiSelect {
			v.Check(len(f.Options) > 0, p+".options", "required")
		}
		v.Check(f.DayCount == "" || (f.Type == FieldDateRange && (f.DayCount == DaysCalendar || f.DayCount == DaysWorking)), p+".day_count", "invalid")
		if f.Type == FieldTable {
			v.Check(len(f.Columns) > 0, p+".columns", "required")
			validateFields(f.Columns, p+".columns", v, true)
		}
	}
}

func validateNodes(nodes []Node, path string, v *apperr.Validator, seen map[string]bool) {
	for i, n := range nodes {
		p := fmt.Sprintf("%s.%d", path, i)
		v.Check(n.ID != "" && !seen[n.ID], p+".id", "duplicate")
		seen[n.ID] = true
		switch n.Type {
		case NodeApprover, NodeCC:
			k := n.Approvers.Kind
			v.Check(slices.Contains([]string{ApproverManager, ApproverManagerN, ApproverDeptHead, ApproverRole, ApproverUsers, ApproverApplicant}, k), p+".approvers.kind", "invalid")
			v.Check(k != ApproverRole || n.Approvers.Role != "", p+".approvers.role", "required")
			v.Check(k != ApproverUsers || len(n.Approvers.UserIDs) > 0, p+".approvers.user_ids", "required")
			v.Check(n.Mode == "" || slices.Contains([]string{ModeSequential, ModeAll, ModeAny}, n.Mode), p+".mode", "invalid")
		case NodeCondition:
			v.Check(len(n.Branches) > 0, p+".branches", "required")
			for j, b := range n.Branches {
				validateNodes(b.Nodes, fmt.Sprintf("%s.branches.%d.nodes", p, j), v, seen)
			}
		default:
			v.Check(false, p+".type", "invalid")
		}
	}
}

func validateTemplate(in TemplateInput, creating bool, v *apperr.Validator) {
	v.Check(!creating || in.NameZh != "", "name_zh", "required")
	v.Check(len([]rune(in.NameZh)) <= 50 && len([]rune(in.NameEn)) <= 80, "name_zh", "too_long")
	v.Check(apperr.SingleLine(in.NameZh) && apperr.SingleLine(in.NameEn), "name_zh", apperr.ControlCharacter)
	v.Check((!creating && in.Prefix == "") || prefixRe.MatchString(in.Prefix), "prefix", "invalid")
	v.Check(in.SLAHours == nil || (*in.SLAHours > 0 && *in.SLAHours <= 240), "sla_hours", "invalid")
	if creating || in.Fields != nil {
		validateFields(in.Fields, "fields", v, false)
	}
	if in.Flow != nil {
		v.Check(len(in.Flow.Nodes) > 0, "flow.nodes", "required")
		validateNodes(in.Flow.Nodes, "flow.nodes", v, map[string]bool{})
	} else {
		v.Check(!creating, "flow.nodes", "required")
	}
}

// CreateTemplate adds a custom template (admin).
func (s *Service) CreateTemplate(ctx context.Context, actor identity.Actor, in TemplateInput) (Template, error) {
	if !actor.IsAdmin() {
		return Template{}, errForbidden
	}
	var v apperr.Validator
	validateTemplate(in, true, &v)
	if err := v.Err("approval.invalid_template", "check the template"); err != nil {
		return Template{}, err
	}
	now := s.clock.Now()
	t := Template{ID: store.NewID(), Prefix: in.Prefix, NameZh: in.NameZh, NameEn: in.NameEn, DescriptionZh: in.DescriptionZh,
		DescriptionEn: in.DescriptionEn, Category: in.Category, Icon: in.Icon, Starters: Starters{Everyone: true},
		SLAHours: DefaultSLAHours, SelfApproval: SelfUp, SkipRepeat: true, Active: true, CurrentVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
	applyTemplateInput(&t, in)
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := checkSelfRule(tx, &t); err != nil {
			return err
		}
		if err := prefixTaken(tx, t.Prefix, t.ID); err != nil {
			return err
		}
		if err := createTemplate(tx, &t, in.Fields, *in.Flow, actor.UserID); err != nil {
			if isConflict(err) {
				// A custom template has no builtin key and a fresh ID: the
				// only unique value it can collide on is its prefix.
				return errPrefixTaken
			}
			return err
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.template_create", TargetType: "approval_template", TargetID: t.ID, Detail: map[string]any{"name": t.NameZh}})
	})
	t.Fields, t.Flow = in.Fields, *in.Flow
	return t, err
}

// prefixTaken refuses a number prefix another template uses: numbers are
// counted per prefix, so two templates sharing one would share a sequence.
func prefixTaken(tx *gorm.DB, prefix, exceptID string) error {
	var n int64
	q := tx.Model(&Template{}).Where("prefix = ? AND id <> ?", prefix, exceptID)
	if prefix == defaultPrefix {
		// Templates from before prefixes were required number as SP (nextNumber).
		q = tx.Model(&Template{}).Where("prefix IN ? AND id <> ?", []string{prefix, ""}, exceptID)
	}
	if err := q.Count(&n).Error; err != nil {
		return fmt.Errorf("approval: prefix: %w", err)
	}
	if n > 0 {
		return errPrefixTaken
	}
	return nil
}

// errPrefixTaken is what both guards of a prefix answer: prefixTaken, and
// the unique index approval_templates_prefix for the writer that passed the
// check concurrently (PostgreSQL READ COMMITTED lets two transactions both
// count zero; the index lets only one commit).
var errPrefixTaken = apperr.Invalid("approval.invalid_template", "another template uses this number prefix").WithField("prefix", "duplicate")

func createTemplate(tx *gorm.DB, t *Template, fields []Field, flow Flow, by string) error {
	if err := tx.Create(t).Error; err != nil {
		if store.IsDuplicate(err) {
			return apperr.Conflict("approval.template_duplicate", "a template with this key exists")
		}
		return fmt.Errorf("approval: create template: %w", err)
	}
	v := TemplateVersion{ID: store.NewID(), TemplateID: t.ID, Number: 1, Fields: fields, Flow: flow, CreatedBy: by, CreatedAt: t.CreatedAt}
	if err := tx.Create(&v).Error; err != nil {
		return fmt.Errorf("approval: create template version: %w", err)
	}
	return nil
}

func applyTemplateInput(t *Template, in TemplateInput) {
	if in.Prefix != "" {
		t.Prefix = in.Prefix
	}
	if in.NameZh != "" {
		t.NameZh = in.NameZh
	}
	if in.NameEn != "" {
		t.NameEn = in.NameEn
	}
	if in.DescriptionZh != "" {
		t.DescriptionZh = in.DescriptionZh
	}
	if in.DescriptionEn != "" {
		t.DescriptionEn = in.DescriptionEn
	}
	if in.Category != "" {
		t.Category = in.Category
	}
	if in.Icon != "" {
		t.Icon = in.Icon
	}
	if in.Starters != nil {
		t.Starters = *in.Starters
	}
	if in.SLAHours != nil {
		t.SLAHours = *in.SLAHours
	}
	if in.SkipSelf != nil && in.SelfApproval == nil {
		t.SelfApproval = SelfUp
		if *in.SkipSelf {
			t.SelfApproval = SelfAuto
		}
	}
	if in.SelfApproval != nil {
		t.SelfApproval = *in.SelfApproval
	}
	if in.SelfApprovalUser != nil {
		t.SelfApprovalUser = *in.SelfApprovalUser
	}
	if in.SkipRepeat != nil {
		t.SkipRepeat = *in.SkipRepeat
	}
	if in.Active != nil {
		t.Active = *in.Active
	}
}

// UpdateTemplate edits a template (admin). Changing fields or flow saves a
// new version; running instances keep theirs.
func (s *Service) UpdateTemplate(ctx context.Context, actor identity.Actor, id string, in TemplateInput) (Template, error) {
	if !actor.IsAdmin() {
		return Template{}, errForbidden
	}
	var v apperr.Validator
	validateTemplate(in, false, &v)
	if err := v.Err("approval.invalid_template", "check the template"); err != nil {
		return Template{}, err
	}
	var out Template
	err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		t, cur, err := templateWithVersionTx(tx, id, 0, nil)
		if err != nil {
			return err
		}
		if in.Version != t.Version {
			return errTemplateStale
		}
		if in.Prefix != "" && in.Prefix != t.Prefix {
			if err := prefixTaken(tx, in.Prefix, t.ID); err != nil {
				return err
			}
		}
		applyTemplateInput(&t, in)
		if err := checkSelfRule(tx, &t); err != nil {
			return err
		}
		now := s.clock.Now()
		if in.Fields != nil || in.Flow != nil {
			nv := TemplateVersion{ID: store.NewID(), TemplateID: t.ID, Number: t.CurrentVersion + 1, Fields: cur.Fields, Flow: cur.Flow, CreatedBy: actor.UserID, CreatedAt: now}
			if in.Fields != nil {
				nv.Fields = in.Fields
			}
			if in.Flow != nil {
				nv.Flow = *in.Flow
			}
			if err := tx.Create(&nv).Error; err != nil {
				if store.IsDuplicate(err) {
					return errTemplateStale // a concurrent edit saved this version number first
				}
				return fmt.Errorf("approval: template version: %w", err)
			}
			t.CurrentVersion = nv.Number
			t.Fields, t.Flow = nv.Fields, nv.Flow
		}
		res := tx.Model(&Template{}).Where("id = ? AND version = ?", id, in.Version).Updates(map[string]any{
			"prefix": t.Prefix, "name_zh": t.NameZh, "name_en": t.NameEn, "description_zh": t.DescriptionZh,
			"description_en": t.DescriptionEn, "category": t.Category, "icon": t.Icon, "starters": mustJSON(t.Starters),
			"sla_hours": t.SLAHours, "skip_self": t.SkipSelf, "skip_repeat": t.SkipRepeat, "active": t.Active,
			"self_approval": t.SelfApproval, "self_approval_user": t.SelfApprovalUser,
			"current_version": t.CurrentVersion, "version": t.Version + 1, "updated_at": now})
		if store.IsDuplicate(res.Error) {
			return errPrefixTaken // the prefix is the only unique column updated here
		}
		if res.Error != nil {
			return fmt.Errorf("approval: update template: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errTemplateStale
		}
		t.Version++
		out = t
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.template_update", TargetType: "approval_template", TargetID: id, Detail: map[string]any{"version": t.CurrentVersion}})
	})
	return out, err
}

// DeleteTemplate deactivates a template (admin); instances keep it.
func (s *Service) DeleteTemplate(ctx context.Context, actor identity.Actor, id string) error {
	if !actor.IsAdmin() {
		return errForbidden
	}
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&Template{}).Where("id = ?", id).Updates(map[string]any{"active": false, "version": gorm.Expr("version + 1"), "updated_at": s.clock.Now()})
		if res.Error != nil {
			return fmt.Errorf("approval: delete template: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errTemplateNotFound
		}
		return audit.Record(tx, audit.Entry{ActorID: actor.UserID, Action: "approval.template_delete", TargetType: "approval_template", TargetID: id})
	})
}
