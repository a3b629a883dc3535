package approval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// headedSubtree returns the departments the user heads, with their sub-departments.
func (s *Service) headedSubtree(ctx context.Context, userID string) ([]string, error) {
	all, err := s.org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range all {
		if d.HeadID != nil && *d.HeadID == userID {
			out = append(out, org.Descendants(all, d.ID)...)
		}
	}
	return uniq(out), nil
}

func seesArchive(a identity.Actor) bool { return a.IsAdmin() || a.HasRole(org.RoleHR) }

// archiveBox is the widest box the actor may count and export: everything
// for admins and HR, their departments for department heads, otherwise
// their own requests. scope says what that covers: "company" (also for the
// head of the top department), "departments" or "mine".
func (s *Service) archiveBox(ctx context.Context, actor identity.Actor) (box, scope string) {
	if seesArchive(actor) {
		return "all", "company"
	}
	all, err := s.org.Departments(ctx)
	if err != nil {
		return "mine", "mine"
	}
	heads := false
	for _, d := range all {
		if d.HeadID != nil && *d.HeadID == actor.UserID {
			heads = true
			if d.ParentID == nil {
				return "all", "company"
			}
		}
	}
	if heads {
		return "all", "departments"
	}
	return "mine", "mine"
}

// viewable loads an instance the actor may see: applicant, approver (of any
// step) or CC, admin/HR, or head of the instance's department (or an ancestor).
func (s *Service) viewable(ctx context.Context, actor identity.Actor, id string) (Instance, error) {
	var inst Instance
	if err := s.db.WithContext(ctx).First(&inst, "id = ?", id).Error; err != nil {
		if store.IsNotFound(err) {
			return inst, errNotFound
		}
		return inst, fmt.Errorf("approval: get: %w", err)
	}
	if inst.ApplicantID == actor.UserID || seesArchive(actor) {
		return inst, nil
	}
	// Approvers on the route (checked first: no statement) and of later
	// steps are involved (CC recipients only once copied).
	for _, rn := range inst.Route {
		if rn.Type == NodeApprover && slices.Contains(rn.Approvers, actor.UserID) {
			return inst, nil
		}
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&Task{}).Where("instance_id = ? AND assignee_id = ?", id, actor.UserID).Count(&n).Error; err != nil {
		return inst, fmt.Errorf("approval: get: %w", err)
	}
	if n > 0 {
		return inst, nil
	}
	heads, err := s.headedSubtree(ctx, actor.UserID)
	if err != nil {
		return inst, err
	}
	if slices.Contains(heads, inst.DepartmentID) {
		return inst, nil
	}
	return inst, errNotFound
}

// Permissions are the actions the viewer may take now.
type Permissions struct {
	CanApprove     bool `json:"can_approve"`
	CanReject      bool `json:"can_reject"`
	CanTransfer    bool `json:"can_transfer"`
	CanAddApprover bool `json:"can_add_approver"`
	CanReturn      bool `json:"can_return"`
	CanWithdraw    bool `json:"can_withdraw"`
	CanRemind      bool `json:"can_remind"`
	CanComment     bool `json:"can_comment"`
}

// Detail is an instance with everything its page shows.
type Detail struct {
	Instance
	Fields      []Field              `json:"fields"`
	Tasks       []Task               `json:"tasks"`
	Timeline    []TimelineEntry      `json:"timeline"`
	Comments    []Comment            `json:"comments"`
	Users       map[string]UserBrief `json:"users"`
	Departments map[string]string    `json:"departments"` // names of the departments the form refers to
	// DepartmentName is the applicant's department at submission.
	DepartmentName string      `json:"department_name"`
	Permissions    Permissions `json:"permissions"`
	MyTaskID       string      `json:"my_task_id"`
}

// Get returns the detail of an instance the actor may see.
func (s *Service) Get(ctx context.Context, actor identity.Actor, id string) (Detail, error) {
	inst, err := s.viewable(ctx, actor, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Instance: inst}
	db := s.db.WithContext(ctx)
	var ver TemplateVersion
	if err := db.First(&ver, "id = ?", inst.TemplateVersionID).Error; err != nil {
		return Detail{}, fmt.Errorf("approval: version: %w", err)
	}
	d.Fields = ver.Fields
	if err := db.Where("instance_id = ?", id).Order("node_index, stage, id").Find(&d.Tasks).Error; err != nil {
		return Detail{}, fmt.Errorf("approval: tasks: %w", err)
	}
	if err := db.Where("instance_id = ?", id).Order("id").Find(&d.Timeline).Error; err != nil {
		return Detail{}, fmt.Errorf("approval: timeline: %w", err)
	}
	if err := db.Where("instance_id = ?", id).Order("id").Find(&d.Comments).Error; err != nil {
		return Detail{}, fmt.Errorf("approval: comments: %w", err)
	}
	ids := []string{inst.ApplicantID}
	for _, t := range d.Tasks {
		ids = append(ids, t.AssigneeID)
	}
	for _, e := range d.Timeline {
		ids = append(ids, e.ActorID)
		if u, ok := e.Data["to"].(string); ok {
			ids = append(ids, u)
		}
		if u, ok := e.Data["user_id"].(string); ok {
			ids = append(ids, u)
		}
	}
	for _, n := range inst.Route {
		ids = append(ids, n.Approvers...)
	}
	var deptIDs []string
	referencedIDs(ver.Fields, inst.Form, &ids, &deptIDs)
	if d.Users, err = s.briefs(ctx, ids); err != nil {
		return Detail{}, err
	}
	names, err := s.namesFor(ctx, ver.Fields, inst.Form)
	if err != nil {
		return Detail{}, err
	}
	d.Departments = names.Departments
	if dep, err := s.org.Department(ctx, inst.DepartmentID); err == nil {
		d.DepartmentName = dep.Name
	}
	if inst.Status == StatusPending {
		for _, t := range d.Tasks {
			if t.AssigneeID == actor.UserID && t.Status == TaskPending && t.Kind == KindApprove && t.NodeIndex == inst.CurrentNode {
				d.MyTaskID = t.ID
			}
		}
		mine := d.MyTaskID != ""
		d.Permissions = Permissions{CanApprove: mine, CanReject: mine, CanTransfer: mine, CanAddApprover: mine,
			CanReturn: mine && inst.CurrentNode > 0, CanWithdraw: inst.ApplicantID == actor.UserID,
			CanRemind: inst.ApplicantID == actor.UserID || actor.IsAdmin(), CanComment: true}
	}
	return d, nil
}

// ListFilter narrows List.
type ListFilter struct {
	Box        string // todo|done|mine|cc|all
	Query      string
	TemplateID string
	Status     string
	From, To   *time.Time
	Limit      int
	Cursor     string
}

// ListItem is an inbox row: the columns the inbox shows, no form, no route.
type ListItem struct {
	ID             string     `json:"id"`
	Number         string     `json:"number"`
	TemplateID     string     `json:"template_id"`
	TemplateName   string     `json:"template_name"`
	TemplateNameEn string     `json:"template_name_en"`
	Title          string     `json:"title"`
	TitleEn        string     `json:"title_en"`
	ApplicantID    string     `json:"applicant_id"`
	DepartmentID   string     `json:"department_id"`
	CurrentNode    int        `json:"current_node"`
	Status         string     `json:"status"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	FinishedAt     *time.Time `json:"finished_at"`
	ApplicantName  string     `json:"applicant_name"`
	Overdue        bool       `json:"overdue"`
}

// listColumns are what a ListItem reads of an instance.
const listColumns = "id, number, template_id, template_name, template_name_en, title, title_en, applicant_id, department_id, current_node, status, submitted_at, finished_at"

// exportItem is a listed instance with its form, for the export.
type exportItem struct {
	Instance
	ApplicantName string
}

func (s *Service) listQuery(ctx context.Context, actor identity.Actor, f ListFilter) (*gorm.DB, error) {
	db := s.db.WithContext(ctx)
	q := db.Model(&Instance{})
	sub := func(kind string, statuses []string) *gorm.DB {
		return db.Model(&Task{}).Select("instance_id").Where("assignee_id = ? AND kind = ? AND status IN ?", actor.UserID, kind, statuses)
	}
	switch f.Box {
	case "todo":
		q = q.Where("id IN (?) AND status = ?", sub(KindApprove, []string{TaskPending}), StatusPending)
	case "done":
		q = q.Where("id IN (?)", sub(KindApprove, []string{TaskApproved, TaskRejected, TaskTransferred, TaskReturned}))
	case "cc":
		q = q.Where("id IN (?)", sub(KindCC, []string{TaskApproved}))
	case "", "mine":
		q = q.Where("applicant_id = ?", actor.UserID)
	case "all":
		if !seesArchive(actor) {
			heads, err := s.headedSubtree(ctx, actor.UserID)
			if err != nil {
				return nil, err
			}
			if len(heads) == 0 {
				return nil, errForbidden
			}
			q = q.Where("department_id IN ?", heads)
		}
	default:
		return nil, errForbidden
	}
	if f.Query != "" {
		like := store.Contains(strings.ToLower(f.Query))
		q = q.Where(`(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(title_en) LIKE ? ESCAPE '\' OR LOWER(number) LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.TemplateID != "" {
		q = q.Where("template_id = ?", f.TemplateID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.From != nil {
		q = q.Where("submitted_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("submitted_at < ?", *f.To)
	}
	return q, nil
}

// List returns a page of the actor's box, newest first. It reads only the
// columns a row shows (no form or route to decode) and the applicants' names
// from the cached directory (org.Names).
func (s *Service) List(ctx context.Context, actor identity.Actor, f ListFilter) ([]ListItem, string, error) {
	q, err := s.pageQuery(ctx, actor, &f)
	if err != nil {
		return nil, "", err
	}
	var items []ListItem
	if err := q.Select(listColumns).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("approval: list: %w", err)
	}
	next := ""
	if len(items) > f.Limit {
		items = items[:f.Limit]
		next = items[len(items)-1].ID
	}
	ids := make([]string, 0, len(items))
	iids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ApplicantID)
		iids = append(iids, it.ID)
	}
	names, err := s.org.Names(ctx, uniq(ids))
	if err != nil {
		return nil, "", err
	}
	var overdue []string
	if len(iids) > 0 {
		if err := s.db.WithContext(ctx).Model(&Task{}).Where("instance_id IN ? AND overdue = ? AND status = ?", iids, true, TaskPending).
			Pluck("instance_id", &overdue).Error; err != nil {
			return nil, "", fmt.Errorf("approval: overdue: %w", err)
		}
	}
	for i := range items {
		items[i].ApplicantName = names[items[i].ApplicantID]
		items[i].Overdue = slices.Contains(overdue, items[i].ID)
	}
	return items, next, nil
}

// pageQuery is the query of one page of f (f.Limit+1 rows, to tell whether
// there is a next page), newest first.
func (s *Service) pageQuery(ctx context.Context, actor identity.Actor, f *ListFilter) (*gorm.DB, error) {
	q, err := s.listQuery(ctx, actor, *f)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Cursor != "" {
		q = q.Where("id < ?", f.Cursor)
	}
	return q.Order("id DESC").Limit(f.Limit + 1), nil
}

// exportList is List with each instance's form (no route), for the export.
func (s *Service) exportList(ctx context.Context, actor identity.Actor, f ListFilter) ([]exportItem, string, error) {
	q, err := s.pageQuery(ctx, actor, &f)
	if err != nil {
		return nil, "", err
	}
	var insts []Instance
	if err := q.Omit("route").Find(&insts).Error; err != nil {
		return nil, "", fmt.Errorf("approval: list: %w", err)
	}
	next := ""
	if len(insts) > f.Limit {
		insts = insts[:f.Limit]
		next = insts[len(insts)-1].ID
	}
	ids := make([]string, 0, len(insts))
	for _, in := range insts {
		ids = append(ids, in.ApplicantID)
	}
	names, err := s.org.Names(ctx, uniq(ids))
	if err != nil {
		return nil, "", err
	}
	out := make([]exportItem, 0, len(insts))
	for _, in := range insts {
		out = append(out, exportItem{Instance: in, ApplicantName: names[in.ApplicantID]})
	}
	return out, next, nil
}

// BulkApprove approves each listed instance where the actor has a pending
// task; it reports per instance.
func (s *Service) BulkApprove(ctx context.Context, actor identity.Actor, ids []string, comment string) (map[string]string, error) {
	if len(ids) > 100 {
		return nil, errTooMany
	}
	out := map[string]string{}
	for _, id := range ids {
		if _, err := s.Approve(ctx, actor, id, ActionRequest{Comment: comment}); err != nil {
			out[id] = errKey(err)
		} else {
			out[id] = "ok"
		}
	}
	return out, nil
}

// InboxCounts are the badges of the inbox tabs.
type InboxCounts struct {
	Todo    int64 `json:"todo"`    // pending tasks of mine
	Overdue int64 `json:"overdue"` // of those, past their SLA limit
}

// Counts returns the actor's inbox badges.
func (s *Service) Counts(ctx context.Context, actor identity.Actor) (InboxCounts, error) {
	var c InboxCounts
	q := func() *gorm.DB {
		return s.db.WithContext(ctx).Model(&Task{}).Where("assignee_id = ? AND kind = ? AND status = ?", actor.UserID, KindApprove, TaskPending)
	}
	if err := q().Distinct("instance_id").Count(&c.Todo).Error; err != nil {
		return c, fmt.Errorf("approval: counts: %w", err)
	}
	if err := q().Where("overdue = ?", true).Distinct("instance_id").Count(&c.Overdue).Error; err != nil {
		return c, fmt.Errorf("approval: counts: %w", err)
	}
	return c, nil
}
