package report

import (
	"context"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"tack/backend/org"
	"tack/backend/store"
)

// demoWork is what the demo R&D people did, one line a day.
var demoWork = map[string][]string{
	"fe": {"完成审批列表页的手机适配", "修复文件夹同步设置页的按钮错位", "日志模板选择页联调", "评审设计稿：工作台卡片", "升级 Element Plus 并回归测试",
		"优化首页首屏加载，JS 减少 40 KB", "会议室预订日历拖拽", "通讯录搜索支持拼音首字母", "补充组件单元测试 12 个", "整理前端代码规范文档"},
	"be": {"审批导出 XLSX 支持公式列", "排查 PostgreSQL 慢查询两条", "考勤打卡接口设计评审", "修复通知邮件在夜间重复发送", "钉盘分片上传断点续传",
		"日志未提交名单接口", "升级 Go 1.26 并跑完整测试", "备份恢复演练", "权限扫描新增两条用例", "补充 API 文档"},
}

var demoPlans = []string{"继续联调，周三前提测", "跟进测试反馈的问题", "和产品确认下一版需求", "代码评审 + 写测试", "准备周会材料"}

// LoadDemo writes two weeks of dailies (and the weeklies of the two team
// leads) for the demo company's R&D teams, read and commented on by their
// leaders, with a few late or missing. It does nothing when reports exist
// or the demo people are missing.
func (s *Service) LoadDemo(ctx context.Context, out io.Writer) error {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&Report{}).Count(&n).Error; err != nil {
		return fmt.Errorf("report: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	var people []org.User
	if err := db.Where("email LIKE ? AND active = ?", "%@demo.tack", true).Find(&people).Error; err != nil {
		return fmt.Errorf("report: demo people: %w", err)
	}
	by := map[string]org.User{}
	for _, u := range people {
		by[u.Email] = u
	}
	if _, ok := by["wuhao@demo.tack"]; !ok {
		return nil // no demo company
	}
	var ts []Template
	if err := db.Where("builtin_key IN ?", []string{"daily", "weekly"}).Find(&ts).Error; err != nil {
		return fmt.Errorf("report: demo templates: %w", err)
	}
	tpl := map[string]Template{}
	for _, t := range ts {
		tpl[t.BuiltinKey] = t
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return err
	}
	loc := s.cal.Location()
	now := s.now()
	// The last ten working days before today, oldest first.
	var days []time.Time
	for d := PeriodOf(CycleDaily, now, loc).First.AddDate(0, 0, -1); len(days) < 10; d = d.AddDate(0, 0, -1) {
		if cal.IsWorkingDay(d.Add(12 * time.Hour)) {
			days = append([]time.Time{d}, days...)
		}
	}
	writers := []struct {
		email, team string
		skip        map[int]bool // days without a report
		late        map[int]bool
	}{
		{"xuting@demo.tack", "fe", nil, map[int]bool{4: true}},
		{"sunhao@demo.tack", "fe", map[int]bool{3: true, 9: true}, nil},
		{"wuhao@demo.tack", "fe", nil, nil},
		{"zhulin@demo.tack", "be", map[int]bool{9: true}, nil},
		{"hubin@demo.tack", "be", map[int]bool{1: true, 6: true}, map[int]bool{8: true}},
		{"guofang@demo.tack", "be", nil, map[int]bool{2: true, 7: true}},
		{"machao@demo.tack", "be", nil, nil},
	}
	comments := []string{"收到，辛苦了", "这个问题明天站会上过一下", "进度不错，注意测试覆盖", "需要协调的部分我来找产品", "👍"}
	count := 0
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		count = 0
		write := func(t Template, w org.User, period string, due time.Time, at time.Time, form map[string]any, read bool, comment string) error {
			_, chain, err := s.chainIDs(ctx, w.DepartmentID)
			if err != nil {
				return err
			}
			leader, err := s.leaderOf(ctx, w.ID, chain)
			if err != nil || leader == "" {
				return err
			}
			due, at = due.UTC(), at.UTC()
			r := Report{ID: store.NewID(), TemplateID: t.ID, WriterID: w.ID, DepartmentID: w.DepartmentID, Period: period, Form: form,
				Status: StatusSubmitted, DueAt: &due, SubmittedAt: &at, Late: at.After(due), Version: 2, CreatedAt: at, UpdatedAt: at}
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
			rc := Recipient{ReportID: r.ID, UserID: leader, Reason: "leader"}
			if read {
				ra := at.Add(2 * time.Hour)
				rc.ReadAt = &ra
			}
			if err := tx.Create(&rc).Error; err != nil {
				return err
			}
			if err := indexReport(tx, r); err != nil {
				return err
			}
			if comment != "" {
				c := Comment{ID: store.NewID(), ReportID: r.ID, AuthorID: leader, Body: comment, CreatedAt: at.Add(2*time.Hour + 5*time.Minute)}
				if err := tx.Create(&c).Error; err != nil {
					return err
				}
				if err := tx.Create(&Like{ReportID: r.ID, UserID: leader, CreatedAt: c.CreatedAt}).Error; err != nil {
					return err
				}
			}
			count++
			return nil
		}
		for i, d := range days {
			p := PeriodOf(CycleDaily, d, loc)
			due, _ := DueAt(cal, CycleDaily, p, tpl["daily"].DueTime)
			for k, wr := range writers {
				w, ok := by[wr.email]
				if !ok || wr.skip[i] {
					continue
				}
				at := d.Add(18*time.Hour + time.Duration(10+7*k)*time.Minute)
				if wr.late[i] {
					at = d.Add(21*time.Hour + 30*time.Minute)
				}
				work := demoWork[wr.team]
				form := map[string]any{"done": work[(i+k)%len(work)], "plan": demoPlans[(i+k)%len(demoPlans)]}
				if (i+k)%4 == 0 {
					form["coordinate"] = "需要测试同学协助回归"
				}
				comment := ""
				if (i*7+k)%5 == 0 {
					comment = comments[(i+k)%len(comments)]
				}
				// The last day is partly unread: the leaders have not caught up yet.
				if err := write(tpl["daily"], w, p.Key, due, at, form, i < len(days)-1 || k%2 == 0, comment); err != nil {
					return err
				}
			}
		}
		// The leads' weeklies of the weeks those days cover, to 周杰.
		seen := map[string]bool{}
		for _, d := range days {
			p := PeriodOf(CycleWeekly, d, loc)
			due, ok := DueAt(cal, CycleWeekly, p, tpl["weekly"].DueTime)
			if seen[p.Key] || !ok || !due.Before(now) {
				continue
			}
			seen[p.Key] = true
			for k, email := range []string{"wuhao@demo.tack", "machao@demo.tack"} {
				team := []string{"fe", "be"}[k]
				form := map[string]any{"done": demoWork[team][0] + "；" + demoWork[team][3] + "；" + demoWork[team][5],
					"summary": "本周按计划完成，提测一次，缺陷 3 个已修复", "plan": "下周进入新版本开发"}
				if err := write(tpl["weekly"], by[email], p.Key, due, due.Add(-time.Duration(40+k*25)*time.Minute), form, true, comments[k]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: demo: %w", err)
	}
	fmt.Fprintf(out, "demo: %d work reports\n", count)
	return nil
}
