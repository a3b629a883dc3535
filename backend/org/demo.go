package org

import (
	"context"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
	"gorm.io/gorm"

	"tack/backend/store"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "demo12345"

type demoDept struct{ key, name, parent string }

type demoUser struct {
	name, email, title, phone, dept string
	head                            bool // heads dept
	roles                           []string
}

var demoDepts = []demoDept{
	{"root", "示例科技有限公司 (Demo Tech)", ""},
	{"gm", "总经办", "root"},
	{"hr", "人事部", "root"},
	{"fin", "财务部", "root"},
	{"rd", "研发部", "root"},
	{"fe", "前端组", "rd"},
	{"be", "后端组", "rd"},
	{"mkt", "市场部", "root"},
}

// demoUsers: a department's head comes before its members; managers are
// derived from the tree (members report to their head, heads to the head above).
var demoUsers = []demoUser{
	{"王建国", "wangjianguo@demo.tack", "总经理", "13800010001", "gm", true, []string{RoleGeneralManager, RoleDeptHead}},
	{"赵敏", "admin@demo.tack", "系统管理员", "13800010002", "gm", false, []string{RoleAdmin}},
	{"李秀英", "lixiuying@demo.tack", "行政助理", "13800010003", "gm", false, nil},
	{"陈静", "chenjing@demo.tack", "人事经理", "13800010004", "hr", true, []string{RoleHR, RoleDeptHead}},
	{"刘洋", "liuyang@demo.tack", "招聘专员", "13800010005", "hr", false, []string{RoleHR}},
	{"张伟", "zhangwei@demo.tack", "财务经理", "13800010006", "fin", true, []string{RoleDeptHead}},
	{"杨丽", "yangli@demo.tack", "会计", "13800010007", "fin", false, nil},
	{"黄磊", "huanglei@demo.tack", "出纳", "13800010008", "fin", false, nil},
	{"周杰", "zhoujie@demo.tack", "技术总监", "13800010009", "rd", true, []string{RoleDeptHead}},
	{"吴昊", "wuhao@demo.tack", "前端组长", "13800010010", "fe", true, []string{RoleDeptHead}},
	{"徐婷", "xuting@demo.tack", "前端工程师", "13800010011", "fe", false, nil},
	{"孙浩", "sunhao@demo.tack", "前端工程师", "13800010012", "fe", false, nil},
	{"马超", "machao@demo.tack", "后端组长", "13800010013", "be", true, []string{RoleDeptHead}},
	{"朱琳", "zhulin@demo.tack", "后端工程师", "13800010014", "be", false, nil},
	{"胡斌", "hubin@demo.tack", "后端工程师", "13800010015", "be", false, nil},
	{"郭芳", "guofang@demo.tack", "测试工程师", "13800010016", "be", false, nil},
	{"林涛", "lintao@demo.tack", "市场总监", "13800010017", "mkt", true, []string{RoleDeptHead}},
	{"何雪", "hexue@demo.tack", "市场专员", "13800010018", "mkt", false, nil},
	{"高峰", "gaofeng@demo.tack", "销售经理", "13800010019", "mkt", false, nil},
	{"罗佳", "luojia@demo.tack", "品牌专员", "13800010020", "mkt", false, nil},
}

// LoadDemo creates the demo company when the workspace is not set up yet:
// departments, 20 people with titles, phones, managers, heads and roles (one
// admin, HR, a general manager, department heads), and prints the logins.
// On a workspace that is already set up it does nothing.
func (s *Service) LoadDemo(ctx context.Context, out io.Writer) error {
	needed, err := s.SetupNeeded(ctx)
	if err != nil {
		return err
	}
	if !needed {
		// A re-run on the demo workspace prints its accounts again: whoever
		// starts it a second time needs them as much as the first time.
		var demo int64
		if err := s.db.WithContext(ctx).Model(&User{}).Where("email = ?", demoUsers[0].email).Count(&demo).Error; err != nil {
			return err
		}
		if demo == 0 {
			fmt.Fprintln(out, "demo: this workspace is already set up; nothing loaded")
			return nil
		}
		fmt.Fprintf(out, "demo: the demo company %q is already loaded; its passwords were %s unless changed since\n\n",
			demoDepts[0].name, DemoPassword)
		return demoAccounts(out)
	}
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error { return s.loadDemo(tx) })
	if err != nil {
		return fmt.Errorf("org: load demo: %w", err)
	}
	fmt.Fprintf(out, "demo: loaded %q with %d departments and %d people; every password is %s\n\n",
		demoDepts[0].name, len(demoDepts), len(demoUsers), DemoPassword)
	return demoAccounts(out)
}

// demoAccounts prints the demo company's sign-ins as a table.
func demoAccounts(out io.Writer) error {
	rows := [][]string{{"EMAIL", "PHONE", "NAME", "TITLE", "ROLES"}}
	for _, u := range demoUsers {
		rows = append(rows, []string{u.email, u.phone, u.name, u.title, fmt.Sprint(normRoles(u.roles))})
	}
	_, err := io.WriteString(out, columns(rows))
	return err
}

// columns lays rows out in columns two spaces apart. Unlike text/tabwriter
// it measures terminal cells, not runes: a Chinese name is two cells per
// character, and the table would otherwise come out ragged.
func columns(rows [][]string) string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], cells(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cells(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// cells is the number of terminal cells s takes: two for East Asian wide
// and full-width characters, one for the rest.
func cells(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func (s *Service) loadDemo(tx *gorm.DB) error {
	now := s.clock.Now()
	if err := tx.Create(&Company{ID: companyID, Name: demoDepts[0].name, CreatedAt: now}).Error; err != nil {
		return err
	}
	if err := s.ensureBuiltinRoles(tx); err != nil {
		return err
	}
	depts := map[string]*Department{}
	for i, d := range demoDepts {
		row := &Department{ID: store.NewID(), Name: d.name, SortOrder: i, Version: 1, CreatedAt: now, UpdatedAt: now}
		if d.parent != "" {
			row.ParentID = &depts[d.parent].ID
		}
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		depts[d.key] = row
	}
	parentOf := map[string]string{}
	for _, d := range demoDepts {
		parentOf[d.key] = d.parent
	}
	heads := map[string]string{} // dept key → user ID
	for _, du := range demoUsers {
		// The manager is the head of the user's department, or of the nearest
		// department above when the user is that head.
		var manager *string
		for k := du.dept; k != ""; k = parentOf[k] {
			if id, ok := heads[k]; ok && !(du.head && k == du.dept) {
				manager = &id
				break
			}
		}
		req := NewUserRequest{Email: du.email, Name: du.name, DepartmentID: depts[du.dept].ID, Title: du.title,
			Phone: du.phone, ManagerID: manager, Roles: du.roles}
		u, err := s.insertUser(context.Background(), tx, req, DemoPassword)
		if err != nil {
			return err
		}
		if du.head {
			heads[du.dept] = u.ID
			if err := tx.Model(&Department{}).Where("id = ?", depts[du.dept].ID).Update("head_id", u.ID).Error; err != nil {
				return err
			}
			if du.dept == "gm" { // the general manager also heads the company
				if err := tx.Model(&Department{}).Where("id = ?", depts["root"].ID).Update("head_id", u.ID).Error; err != nil {
					return err
				}
				heads["root"] = u.ID
			}
		}
	}
	return s.audit(tx, System, "demo.load", "company", companyID, map[string]any{"users": len(demoUsers)})
}
