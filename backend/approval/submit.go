package approval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"tack/backend/apperr"
	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
	"tack/backend/workcal"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// canStart reports whether the applicant may start t.
func canStart(t Template, a Applicant) bool {
	if t.Starters.Everyone || (len(t.Starters.Departments) == 0 && len(t.Starters.Roles) == 0) {
		return true
	}
	for _, d := range t.Starters.Departments {
		if slices.Contains(a.Departments, d) {
			return true
		}
	}
	for _, r := range t.Starters.Roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

type prepared struct {
	tpl   Template
	ver   TemplateVersion
	user  org.User
	a     Applicant
	form  map[string]any
	names Names
	route []RouteNode
	// calVersion is the working calendar the form was validated on; the
	// submit's transaction counts on it too (workcal.Pin).
	calVersion int64
}

// prepare validates a submission and resolves its route; it writes nothing.
// A draft (the live route preview) routes on whatever is valid so far.
func (s *Service) prepare(ctx context.Context, actor identity.Actor, req SubmitRequest, draft bool) (prepared, error) {
	var p prepared
	t, ver, err := s.templateWithVersion(ctx, req.TemplateID, 0)
	if err != nil {
		return p, err
	}
	if !t.Active {
		return p, errTemplateNotFound
	}
	u, a, err := s.applicantOf(ctx, actor)
	if err != nil {
		return p, err
	}
	if !canStart(t, a) {
		return p, errCannotStart
	}
	cal, calVersion, err := s.cal.LoadVersion(s.db.WithContext(ctx))
	if err != nil {
		return p, err
	}
	var v apperr.Validator
	form := ValidateForm(ver.Fields, req.Form, &cal, &v)
	names, err := s.namesFor(ctx, ver.Fields, form)
	if err != nil {
		return p, err
	}
	checkRefs(ver.Fields, form, names, "form.", &v)
	flat := Flatten(ver.Flow.Nodes, form, a)
	for _, n := range flat {
		if n.Approvers.Kind == ApproverApplicant {
			v.Check(len(req.Approvers[n.ID]) > 0, "approvers."+n.ID, "required")
		}
	}
	if err := v.Err("approval.invalid_form", "check the highlighted fields"); err != nil && !draft {
		return p, err
	}
	route, err := s.resolveRoute(ctx, t, ver.Flow, u, a, form, req.Approvers, draft)
	if err != nil {
		return p, err
	}
	return prepared{tpl: t, ver: ver, user: u, a: a, form: form, names: names, route: route, calVersion: calVersion}, nil
}

// PreviewRoute resolves who would approve and who would be CC'd for a form.
func (s *Service) PreviewRoute(ctx context.Context, actor identity.Actor, templateID string, req SubmitRequest) (Preview, error) {
	req.TemplateID = templateID
	p, err := s.prepare(ctx, actor, req, true)
	if err != nil {
		return Preview{}, err
	}
	_, a, err := s.applicantOf(ctx, actor)
	if err != nil {
		return Preview{}, err
	}
	out := Preview{Nodes: p.route, CC: []string{}, Form: p.form, Undecided: UndecidedFields(p.ver.Flow.Nodes, p.form, a)}
	if out.Undecided == nil {
		out.Undecided = []string{}
	}
	var ids []string
	for _, n := range p.route {
		ids = append(ids, n.Approvers...)
		if n.Type == NodeCC {
			out.CC = append(out.CC, n.Approvers...)
		}
	}
	out.Users, err = s.briefs(ctx, ids)
	return out, err
}

func (s *Service) briefs(ctx context.Context, ids []string) (map[string]UserBrief, error) {
	us, err := s.org.UsersByID(ctx, uniq(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[string]UserBrief, len(us))
	for id, u := range us {
		out[id] = UserBrief{ID: id, Name: u.Name, Title: u.Title, Active: u.Active}
	}
	return out, nil
}

// checkRefs refuses person and department values that name no one: a
// person must be an active user, a department must exist.
func checkRefs(fields []Field, form map[string]any, n Names, path string, v *apperr.Validator) {
	for _, f := range fields {
		p := path + f.Key
		switch f.Type {
		case FieldPerson:
			if id, ok := form[f.Key].(string); ok {
				_, found := n.Users[id]
				v.Check(found, p, "not_found")
			}
		case FieldDepartment:
			if id, ok := form[f.Key].(string); ok {
				_, found := n.Departments[id]
				v.Check(found, p, "not_found")
			}
		case FieldTable:
			rows, _ := form[f.Key].([]any)
			for i, r := range rows {
				if rm, ok := r.(map[string]any); ok {
					checkRefs(f.Columns, rm, n, fmt.Sprintf("%s.%d.", p, i), v)
				}
			}
		}
	}
}

// Submit starts an instance. The form is validated whole before anything is
// written; the number, the instance, its first tasks, the timeline and the
// events are written in one transaction.
func (s *Service) Submit(ctx context.Context, actor identity.Actor, req SubmitRequest) (Instance, error) {
	p, err := s.prepare(ctx, actor, req, false)
	if err != nil {
		return Instance{}, err
	}
	now := s.clock.Now()
	zh, en := Titles(p.tpl, p.user.Name, p.ver.Fields, p.form, p.names)
	inst := Instance{ID: store.NewID(), TemplateID: p.tpl.ID, TemplateVersionID: p.ver.ID, TemplateName: p.tpl.NameZh,
		TemplateNameEn: p.tpl.NameEn, Title: zh, TitleEn: en, ApplicantID: p.user.ID, DepartmentID: p.user.DepartmentID,
		Form: p.form, Route: p.route, Status: StatusPending, Version: 1, SubmittedAt: now, UpdatedAt: now}
	if err := s.archiveForm(ctx, actor, inst.ID, p.ver.Fields, inst.Form); err != nil {
		return Instance{}, attachmentError(err, p.ver.Fields, inst.Form)
	}
	for attempt := 0; ; attempt++ {
		if s.testAssigneesRead != nil {
			s.testAssigneesRead()
		}
		err = s.inTx(ctx, func(tx *gorm.DB) error {
			// The first task's deadline uses the template read for the route,
			// and it and the leave claim the calendar the form was checked on.
			store.TxMemo.Store(tx, slaMemo+p.tpl.ID, p.tpl.SLAHours)
			workcal.Pin(tx, p.calVersion)
			return s.create(tx, &inst, actor, p.tpl.Prefix, now)
		})
		if !errors.Is(err, errRouteLeft) {
			return inst, err
		}
		if attempt == 3 {
			return Instance{}, errStaleConflict
		}
		// Someone on the route was deactivated after it was resolved: resolve
		// it again (same version and form) by the usual rules, which skip
		// inactive users and escalate an empty step.
		if inst.Route, err = s.resolveRoute(ctx, p.tpl, p.ver.Flow, p.user, p.a, p.form, req.Approvers, false); err != nil {
			return Instance{}, err
		}
	}
}

// errRouteLeft is internal: a user on the route is no longer active.
var errRouteLeft = errors.New("approval: route names an inactive user")

// create writes a submitted instance, its number, timeline and first tasks.
// The route was resolved outside the transaction, so first it locks the
// users it names (org.LockActive) and refuses (errRouteLeft) if one has left
// meanwhile. With the lock held a concurrent deactivation waits for this
// commit and its hook then finds this instance's tasks and later steps, so
// an approval never waits for someone who left. Every node is checked, not
// only the first: later steps are activated from the stored route.
func (s *Service) create(tx *gorm.DB, inst *Instance, actor identity.Actor, prefix string, now time.Time) error {
	var ids []string
	for _, n := range inst.Route {
		if !n.Skipped {
			ids = append(ids, n.Approvers...)
		}
	}
	gone, err := org.LockActive(tx, ids)
	if err != nil {
		return err
	}
	if len(gone) > 0 {
		return errRouteLeft
	}
	if s.testAssigneesLocked != nil {
		s.testAssigneesLocked()
	}
	in := *inst
	// Everything that does not need the number comes before it: on
	// PostgreSQL the counter row stays locked from the number to the
	// commit, and every submit of the template's prefix waits on it. So
	// the hooks (attendance's leave claim: several reads; no hook reads the
	// number), the timeline and the first steps' tasks run first; their
	// events, which carry the number, are held and written after it, and
	// then the instance row, once, as the first steps left it (nothing in
	// the transaction reads it back: its tasks, timeline and events carry
	// its ID). The lock is held for two statements and the commit.
	if err := s.runHooks(tx, s.submitHooks, &in, actor.UserID); err != nil {
		return err
	}
	if err := s.timeline(tx, &in, actor.UserID, "submitted", 0, "", nil); err != nil {
		return err
	}
	var held []heldEvent
	in.held = &held
	err = s.activateFrom(tx, &in, 0, actor.UserID)
	in.held = nil
	if err != nil {
		return err
	}
	num, err := s.nextNumber(tx, prefix, now.In(s.loc).Year())
	if err != nil {
		return err
	}
	in.Number = num
	for _, e := range held {
		if err := s.emit(tx, &in, e.typ, e.actorID, e.to, e.p); err != nil {
			return err
		}
	}
	in.UpdatedAt = s.clock.Now()
	if err := tx.Create(&in).Error; err != nil {
		return fmt.Errorf("approval: create instance: %w", err)
	}
	*inst = in
	return nil
}

// defaultPrefix numbers templates from before a prefix was required.
const defaultPrefix = "SP"

// nextNumber takes the next number of prefix+year; the counter row is
// updated in the caller's transaction (the row lock serialises submitters).
func (s *Service) nextNumber(tx *gorm.DB, prefix string, year int) (string, error) {
	if prefix == "" {
		prefix = defaultPrefix
	}
	key := fmt.Sprintf("%s-%d", prefix, year)
	// One upsert instead of insert-if-missing, update, read back.
	var n int64
	if err := tx.Raw(`INSERT INTO approval_counters (id, value) VALUES (?, 1)
		ON CONFLICT (id) DO UPDATE SET value = approval_counters.value + 1 RETURNING value`, key).Scan(&n).Error; err != nil {
		return "", fmt.Errorf("approval: counter: %w", err)
	}
	return fmt.Sprintf("%s-%06d", key, n), nil
}

// attachmentError turns "you cannot read that file" from the drive into a
// field error of the form's first attachment field.
func attachmentError(err error, fields []Field, form map[string]any) error {
	if !apperr.IsKind(err, apperr.KindNotFound) && !apperr.IsKind(err, apperr.KindForbidden) {
		return err
	}
	path := "attachments"
	for _, f := range fields {
		if f.Type == FieldAttachment && len(attachmentIDs(form[f.Key])) > 0 {
			path = "form." + f.Key
			break
		}
	}
	return apperr.Invalid("approval.invalid_form", "an attached file cannot be read").WithField(path, "not_found")
}
