package report

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tack/backend/approval"
	"tack/backend/store"
)

func area(key, zh, en string, required bool) approval.Field {
	return approval.Field{Key: key, Type: approval.FieldTextarea, LabelZh: zh, LabelEn: en, Required: required, MaxLength: 5000}
}

// builtinTemplates are 日报, 周报 and 月报, installed when missing.
func builtinTemplates() []Template {
	return []Template{
		{BuiltinKey: "daily", NameZh: "日报", NameEn: "Daily report", Cycle: CycleDaily, DueTime: "20:00", SortOrder: 1,
			Fields: []approval.Field{area("done", "今日完成工作", "Done today", true), area("undone", "未完成工作", "Not finished", false),
				area("coordinate", "需协调工作", "Needs coordination", false), area("plan", "明日计划", "Plan for tomorrow", false)}},
		{BuiltinKey: "weekly", NameZh: "周报", NameEn: "Weekly report", Cycle: CycleWeekly, DueTime: "18:00", SortOrder: 2,
			Fields: []approval.Field{area("done", "本周完成工作", "Done this week", true), area("summary", "本周工作总结", "Summary of the week", false),
				area("coordinate", "需协调与帮助", "Needs coordination and help", false), area("plan", "下周工作计划", "Plan for next week", false)}},
		{BuiltinKey: "monthly", NameZh: "月报", NameEn: "Monthly report", Cycle: CycleMonthly, DueTime: "18:00", SortOrder: 3,
			Fields: []approval.Field{area("done", "本月工作内容", "Work this month", true), area("summary", "本月工作总结", "Summary of the month", false),
				area("coordinate", "需协调与帮助", "Needs coordination and help", false), area("plan", "下月工作计划", "Plan for next month", false)}},
	}
}

// EnsureBuiltins installs the built-in templates that are missing.
func (s *Service) EnsureBuiltins(ctx context.Context) error {
	now := s.clock.Now().UTC()
	return store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		for _, t := range builtinTemplates() {
			t.ID, t.Active, t.Version, t.CreatedAt, t.UpdatedAt = store.NewID(), true, 1, now, now
			t.Departments, t.Users, t.Recipients, t.RecipientDepartments = []string{}, []string{}, []string{}, []string{}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&t)
			if res.Error != nil {
				return fmt.Errorf("report: builtin %s: %w", t.BuiltinKey, res.Error)
			}
			if res.RowsAffected == 1 {
				if err := tx.Create(versionOf(t)).Error; err != nil {
					return fmt.Errorf("report: builtin %s version: %w", t.BuiltinKey, err)
				}
			}
		}
		return nil
	})
}
