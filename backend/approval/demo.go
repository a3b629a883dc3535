package approval

import (
	"context"
	"fmt"
	"io"
	"time"

	"tack/backend/org"
)

// LoadDemo submits a handful of approvals for the demo company (org demo
// accounts, looked up by e-mail) in different states. It does nothing when
// approvals exist or the demo people are missing.
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
	by := map[string]org.Actor{}
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
	day := func(d int) string { return s.clock.Now().In(s.loc).AddDate(0, 0, d).Format(time.DateOnly) }
	rng := func(a, b int) map[string]any { return map[string]any{"start": day(a), "end": day(b)} }
	money := func(yuan int) map[string]any { return map[string]any{"amount": float64(yuan * 100), "currency": "CNY"} }
	type step struct{ who, action string }
	demos := []struct {
		who, key string
		form     map[string]any
		steps    []step
	}{
		{"xuting@demo.tack", "leave", map[string]any{"leave_type": "annual", "period": rng(7, 11), "reason": "回老家探亲"},
			[]step{{"wuhao@demo.tack", "approve"}}},
		{"sunhao@demo.tack", "leave", map[string]any{"leave_type": "sick", "period": rng(1, 1), "reason": "感冒发烧"},
			[]step{{"wuhao@demo.tack", "approve"}}},
		{"zhulin@demo.tack", "expense", map[string]any{"amount": money(1280), "expense_type": "travel", "reason": "上海客户现场支持差旅",
			"items": []any{map[string]any{"date": day(-3), "description": "高铁票", "amount": money(553)}, map[string]any{"date": day(-2), "description": "酒店", "amount": money(727)}}}, nil},
		{"hexue@demo.tack", "purchase", map[string]any{"item": "展会易拉宝", "quantity": 6.0, "amount": money(1800), "reason": "11 月行业展会"},
			[]step{{"lintao@demo.tack", "approve"}}},
		{"gaofeng@demo.tack", "business_trip", map[string]any{"destination": "深圳", "period": rng(3, 4), "transport": "plane", "reason": "拜访客户"},
			[]step{{"lintao@demo.tack", "reject"}}},
		{"yangli@demo.tack", "makeup_clock", map[string]any{"date": day(-1), "kind": "in", "reason": "门禁故障"}, nil},
		{"guofang@demo.tack", "seal", map[string]any{"seal_type": "contract", "document": "外包测试服务合同", "copies": 2.0, "reason": "合同签署"}, nil},
	}
	for _, d := range demos {
		inst, err := s.Submit(ctx, by[d.who], SubmitRequest{TemplateID: tpl[d.key], Form: d.form})
		if err != nil {
			return fmt.Errorf("approval: demo %s: %w", d.key, err)
		}
		for _, st := range d.steps {
			req := ActionRequest{Comment: "同意"}
			if st.action == "reject" {
				req.Comment = "本月预算已用完，下月再安排"
				_, err = s.Reject(ctx, by[st.who], inst.ID, req)
			} else {
				_, err = s.Approve(ctx, by[st.who], inst.ID, req)
			}
			if err != nil {
				return fmt.Errorf("approval: demo %s %s: %w", d.key, st.action, err)
			}
		}
	}
	fmt.Fprintf(out, "approvals: %d demo requests\n", len(demos))
	return nil
}
