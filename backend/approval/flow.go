package approval

import (
	"slices"

	"tack/backend/org"
)

// Node types.
const (
	NodeApprover  = "approver"
	NodeCC        = "cc"
	NodeCondition = "condition"
)

// Approver kinds.
const (
	ApproverManager   = "manager"   // direct manager
	ApproverManagerN  = "manager_n" // Levels managers up, one after another
	ApproverDeptHead  = "dept_head" // head of the applicant's department (walks up)
	ApproverRole      = "role"      // everyone holding Role
	ApproverUsers     = "users"     // named UserIDs
	ApproverApplicant = "applicant_choose"
)

// Approval modes of a node.
const (
	ModeSequential = "sequential"
	ModeAll        = "all" // 会签
	ModeAny        = "any" // 或签
)

// Flow is the ordered list of nodes of a template version.
type Flow struct {
	Nodes []Node `json:"nodes"`
}

// ApproverSpec says who approves (or is CC'd) at a node.
type ApproverSpec struct {
	Kind    string   `json:"kind"`
	Levels  int      `json:"levels,omitempty"`
	Role    string   `json:"role,omitempty"`
	UserIDs []string `json:"user_ids,omitempty"`
}

// Node is an approver node, a CC node or a condition node whose first
// matching branch (a branch without conditions is the default) is followed.
type Node struct {
	ID        string       `json:"id"`
	Type      string       `json:"type"`
	NameZh    string       `json:"name_zh"`
	NameEn    string       `json:"name_en"`
	Approvers ApproverSpec `json:"approvers"`
	Mode      string       `json:"mode,omitempty"`
	Branches  []Branch     `json:"branches,omitempty"`
}

// Branch is one way out of a condition node: all Conditions must hold.
type Branch struct {
	NameZh     string      `json:"name_zh"`
	NameEn     string      `json:"name_en"`
	Conditions []Condition `json:"conditions"`
	Nodes      []Node      `json:"nodes"`
}

// Condition kinds and operators.
const (
	CondField      = "field"         // form value Field Op Value
	CondDepartment = "department_in" // applicant's department in the subtree of DepartmentID
	CondRole       = "has_role"      // applicant holds Role

	OpLT  = "lt"
	OpLTE = "lte"
	OpGT  = "gt"
	OpGTE = "gte"
	OpEq  = "eq"
	OpNe  = "ne"
	OpIn  = "in"
)

// Condition is one test of a branch.
type Condition struct {
	Kind         string   `json:"kind"`
	Field        string   `json:"field,omitempty"`
	Op           string   `json:"op,omitempty"`
	Value        any      `json:"value,omitempty"`
	Values       []string `json:"values,omitempty"`
	DepartmentID string   `json:"department_id,omitempty"`
	Role         string   `json:"role,omitempty"`
}

// Applicant is what conditions may ask about the applicant: the chain of
// their department (own first) and their roles.
type Applicant struct {
	UserID      string
	Departments []string
	Roles       []string

	chain []org.Department // the chain Departments came from, when applicantOf read it
}

// Matches evaluates c; a pure function of the form and the applicant.
func (c Condition) Matches(form map[string]any, a Applicant) bool {
	switch c.Kind {
	case CondDepartment:
		return slices.Contains(a.Departments, c.DepartmentID)
	case CondRole:
		return slices.Contains(a.Roles, c.Role)
	case CondField:
		x := form[c.Field]
		if c.Op == OpIn {
			s, _ := x.(string)
			return slices.Contains(c.Values, s)
		}
		if s, ok := x.(string); ok {
			want, _ := c.Value.(string)
			switch c.Op {
			case OpEq:
				return s == want
			case OpNe:
				return s != want
			}
			return false
		}
		n, ok := numericValue(x)
		want, ok2 := numericValue(c.Value)
		if !ok || !ok2 {
			return false
		}
		switch c.Op {
		case OpLT:
			return n < want
		case OpLTE:
			return n <= want
		case OpGT:
			return n > want
		case OpGTE:
			return n >= want
		case OpEq:
			return n == want
		case OpNe:
			return n != want
		}
	}
	return false
}

// Flatten follows condition branches and returns the approver and CC nodes
// in order (pure).
func Flatten(nodes []Node, form map[string]any, a Applicant) []Node {
	var out []Node
	for _, n := range nodes {
		if n.Type != NodeCondition {
			out = append(out, n)
			continue
		}
		if b := takenBranch(n, form, a); b != nil {
			out = append(out, Flatten(b.Nodes, form, a)...)
		}
	}
	return out
}

// takenBranch is the first branch of condition node n whose conditions all
// match, or nil: branches are ordered, so the first match wins (pure).
func takenBranch(n Node, form map[string]any, a Applicant) *Branch {
	for i := range n.Branches {
		b := &n.Branches[i]
		ok := true
		for _, c := range b.Conditions {
			if !c.Matches(form, a) {
				ok = false
				break
			}
		}
		if ok {
			return b
		}
	}
	return nil
}

// UndecidedFields lists the form fields that condition nodes on the route
// ask about but the form does not fill yet, in order: the route shown
// before they are filled may still change (pure).
func UndecidedFields(nodes []Node, form map[string]any, a Applicant) []string {
	var out []string
	for _, n := range nodes {
		if n.Type != NodeCondition {
			continue
		}
		for _, b := range n.Branches {
			for _, c := range b.Conditions {
				if c.Kind == CondField && isEmpty(form[c.Field]) && !slices.Contains(out, c.Field) {
					out = append(out, c.Field)
				}
			}
		}
		if b := takenBranch(n, form, a); b != nil {
			for _, f := range UndecidedFields(b.Nodes, form, a) {
				if !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}
