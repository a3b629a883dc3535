package approval

import (
	"context"
	"fmt"
	"io"
	"time"

	"tack/backend/identity"
	"tack/backend/org"
)

// demoClock is the time the demo history is written at: each request is
// submitted and decided at its own moment of the last three weeks, so the
// statistics and timelines look like a company's real month.
type demoClock struct{ t time.Time }

func (c *demoClock) Now() time.Time { return c.t }

type demoStep struct {
	who, action string
	after       float64 // hours after the previous event
	comment     string
}

type demoRequest struct {
	who, key string
	ago      float64 // submitted this many hours before now
	form     func(day func(int) string) map[string]any
	steps    []demoStep
}

func demoRequests() []demoRequest {
	rng := func(day func(int) string, a, b int) map[string]any {
		return map[string]any{"start": day(a), "end": day(b)}
	}
	money := func(yuan int) map[string]any { return map[string]any{"amount": float64(yuan * 100), "currency": "CNY"} }
	ok := func(who string, after float64, comment string) demoStep {
		return demoStep{who, "approve", after, comment}
	}
	return []demoRequest{
		{"sunhao@demo.tack", "leave", 480, func(d func(int) string) map[string]any {
			return map[string]any{"leave_type": "sick", "period": rng(d, 0, 0), "reason": "感冒发烧，去医院"}
		}, []demoStep{ok("wuhao@demo.tack", 0.5, "好好休息")}},
		{"hexue@demo.tack", "purchase", 460, func(d func(int) string) map[string]any {
			return map[string]any{"item": "展会易拉宝", "quantity": 6.0, "amount": money(1800), "needed_by": d(7), "reason": "行业展会布展"}
		}, []demoStep{ok("lintao@demo.tack", 3, "同意")}},
		{"gaofeng@demo.tack", "business_trip", 430, func(d func(int) string) map[string]any {
			return map[string]any{"destination": "深圳", "period": rng(d, 3, 4), "transport": "plane", "budget": money(4500), "reason": "拜访华南区客户"}
		}, []demoStep{{"lintao@demo.tack", "reject", 5, "本月预算已用完，下月再安排"}}},
		{"hubin@demo.tack", "leave", 400, func(d func(int) string) map[string]any {
			return map[string]any{"leave_type": "personal", "period": rng(d, 2, 3), "reason": "搬家"}
		}, []demoStep{ok("machao@demo.tack", 2, "注意交接")}},
		{"yangli@demo.tack", "expense", 380, func(d func(int) string) map[string]any {
			return map[string]any{"amount": money(320), "expense_type": "meal", "reason": "季度结账加班餐",
				"items": []any{map[string]any{"date": d(-1), "description": "加班晚餐", "amount": money(320)}}}
		}, []demoStep{ok("zhangwei@demo.tack", 1.5, "")}},
		{"luojia@demo.tack", "outing", 350, func(d func(int) string) map[string]any {
			return map[string]any{"place": "印刷厂", "start": d(0), "reason": "确认宣传册打样"}
		}, []demoStep{ok("lintao@demo.tack", 0.3, "")}},
		{"zhulin@demo.tack", "leave", 330, func(d func(int) string) map[string]any {
			return map[string]any{"leave_type": "annual", "period": rng(d, 7, 11), "reason": "回老家探亲"}
		}, []demoStep{ok("machao@demo.tack", 1, "同意，出发前交接好值班"), ok("wangjianguo@demo.tack", 6, "同意")}},
		{"guofang@demo.tack", "seal", 300, func(d func(int) string) map[string]any {
			return map[string]any{"seal_type": "contract", "document": "外包测试服务合同", "copies": 2.0, "reason": "合同签署"}
		}, []demoStep{ok("machao@demo.tack", 2, ""), ok("wangjianguo@demo.tack", 20, "法务已审，同意")}},
		{"liuyang@demo.tack", "recruitment", 260, func(d func(int) string) map[string]any {
			return map[string]any{"position": "前端工程师", "headcount": 2.0, "department": "@wuhao@demo.tack", "salary": "15k–22k", "requirements": "三年以上 Vue 经验"}
		}, []demoStep{ok("chenjing@demo.tack", 1, ""), ok("wangjianguo@demo.tack", 8, "同意，尽快到岗")}},
		{"lixiuying@demo.tack", "office_supplies", 200, func(d func(int) string) map[string]any {
			return map[string]any{"items": []any{map[string]any{"name": "A4 打印纸", "quantity": 10.0}, map[string]any{"name": "白板笔", "quantity": 20.0}}, "reason": "月度补货"}
		}, []demoStep{ok("wangjianguo@demo.tack", 0.5, "")}},
		{"huanglei@demo.tack", "makeup_clock", 150, func(d func(int) string) map[string]any {
			return map[string]any{"date": d(-1), "kind": "out", "reason": "下班忘记打卡"}
		}, []demoStep{ok("zhangwei@demo.tack", 0.2, "")}},
		{"sunhao@demo.tack", "car", 120, func(d func(int) string) map[string]any {
			return map[string]any{"destination": "客户公司（浦东）", "date": d(1), "passengers": 3.0, "reason": "上门演示"}
		}, []demoStep{ok("wuhao@demo.tack", 1, "")}},
		{"hexue@demo.tack", "leave", 100, func(d func(int) string) map[string]any {
			return map[string]any{"leave_type": "personal", "period": rng(d, 3, 3), "reason": "家中有事"}
		}, []demoStep{{"hexue@demo.tack", "withdraw", 1, "事情已解决"}}},
		// Still open: the general manager's to-do, an overdue one, fresh ones.
		{"xuting@demo.tack", "leave", 30, func(d func(int) string) map[string]any {
			return map[string]any{"leave_type": "annual", "period": rng(d, 14, 18), "reason": "年底错峰出游"}
		}, []demoStep{ok("wuhao@demo.tack", 1, "同意，注意交接工作")}},
		{"zhulin@demo.tack", "expense", 54, func(d func(int) string) map[string]any {
			return map[string]any{"amount": money(1280), "expense_type": "travel", "reason": "上海客户现场支持差旅",
				"items": []any{map[string]any{"date": d(-3), "description": "高铁票", "amount": money(553)}, map[string]any{"date": d(-2), "description": "酒店", "amount": money(727)}}}
		}, nil},
		{"gaofeng@demo.tack", "expense", 6, func(d func(int) string) map[string]any {
			return map[string]any{"amount": money(6800), "expense_type": "travel", "reason": "华东区客户拜访",
				"items": []any{map[string]any{"date": d(-2), "description": "机票", "amount": money(4200)}, map[string]any{"date": d(-1), "description": "酒店", "amount": money(2600)}}}
		}, nil},
		{"yangli@demo.tack", "makeup_clock", 2, func(d func(int) string) map[string]any {
			return map[string]any{"date": d(-1), "kind": "in", "reason": "门禁故障"}
		}, nil},
	}
}

// officeHour moves t into the working day people act in (09:00–18:00 on a
// weekday, company zone): a time in the night becomes the next morning, a
// weekend the Monday; never later than now.
func (s *Service) officeHour(t, now time.Time) time.Time {
	l := t.In(s.loc)
	if l.Hour() >= 18 {
		l = time.Date(l.Year(), l.Month(), l.Day()+1, 9, 0, 0, 0, s.loc).Add(time.Duration(l.Minute()) * time.Minute)
	} else if l.Hour() < 9 {
		l = time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, s.loc).Add(time.Duration(l.Minute()) * time.Minute)
	}
	for l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		l = l.AddDate(0, 0, 1)
	}
	if l.After(now) {
		return t
	}
	return l.UTC()
}

// LoadDemo writes a few weeks of approvals for the demo company (org demo
// accounts, looked up by e-mail) in every state, with realistic turnaround
// times, and runs the SLA check once so overdue steps show. It does nothing
// when approvals exist or the demo people are missing.
func (s *Service) LoadDemo(ctx context.Context, out io.Writer) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Instance{}).Count(&n).Error; err != nil {
		return fmt.Errorf("approval: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	var people []org.User
	if err := s.db.WithContext(ctx).Where("email LIKE ?", "%@demo.tack").Find(&people).Error; err != nil {
		return fmt.Errorf("approval: demo people: %w", err)
	}
	by := map[string]identity.Actor{}
	for _, u := range people {
		a, err := s.org.ActorFor(ctx, u.ID)
		if err != nil {
			return err
		}
		by[u.Email] = a
	}
	if _, ok := by["xuting@demo.tack"]; !ok {
		return nil // no demo company
	}
	var ts []Template
	if err := s.db.WithContext(ctx).Where("builtin_key <> ''").Find(&ts).Error; err != nil {
		return fmt.Errorf("approval: demo templates: %w", err)
	}
	tpl := map[string]string{}
	for _, t := range ts {
		tpl[t.BuiltinKey] = t.ID
	}
	now := s.clock.Now()
	clk := &demoClock{}
	d := *s // the same service, writing at the demo clock's time
	d.clock = clk
	reqs := demoRequests()
	for _, r := range reqs {
		clk.t = s.officeHour(now.Add(-time.Duration(r.ago*float64(time.Hour))), now)
		// Dates n days from the submission, moved off weekends (later for
		// future dates, earlier for past ones) so every leave has working days.
		day := func(n int) string {
			t := clk.t.In(s.loc).AddDate(0, 0, n)
			step := 1
			if n < 0 {
				step = -1
			}
			for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
				t = t.AddDate(0, 0, step)
			}
			return t.Format(time.DateOnly)
		}
		form := r.form(day)
		for k, v := range form { // "@email" names that person's department
			if s, ok := v.(string); ok && len(s) > 1 && s[0] == '@' {
				form[k] = by[s[1:]].DepartmentID
			}
		}
		inst, err := d.Submit(ctx, by[r.who], SubmitRequest{TemplateID: tpl[r.key], Form: form})
		if err != nil {
			return fmt.Errorf("approval: demo %s: %w", r.key, err)
		}
		for _, st := range r.steps {
			clk.t = s.officeHour(clk.t.Add(time.Duration(st.after*float64(time.Hour))), now)
			req := ActionRequest{Comment: st.comment}
			switch st.action {
			case "reject":
				_, err = d.Reject(ctx, by[st.who], inst.ID, req)
			case "withdraw":
				_, err = d.Withdraw(ctx, by[st.who], inst.ID, req)
			default:
				_, err = d.Approve(ctx, by[st.who], inst.ID, req)
			}
			if err != nil {
				return fmt.Errorf("approval: demo %s %s: %w", r.key, st.action, err)
			}
		}
	}
	clk.t = now
	if _, err := d.RunSLA(ctx); err != nil {
		return fmt.Errorf("approval: demo sla: %w", err)
	}
	fmt.Fprintf(out, "approvals: %d demo requests\n", len(reqs))
	return nil
}
