package approval

import (
	"context"
	"fmt"
	"log/slog"

	"gorm.io/gorm"

	"tack/backend/org"
	"tack/backend/store"
)

func fld(key, typ, zh, en string, required bool) Field {
	return Field{Key: key, Type: typ, LabelZh: zh, LabelEn: en, Required: required}
}

func opts(f Field, pairs ...string) Field {
	for i := 0; i+2 < len(pairs); i += 3 {
		f.Options = append(f.Options, Option{Value: pairs[i], LabelZh: pairs[i+1], LabelEn: pairs[i+2]})
	}
	return f
}

func titled(f Field) Field { f.Title = true; return f }

func approver(id, zh, en string, spec ApproverSpec, mode string) Node {
	return Node{ID: id, Type: NodeApprover, NameZh: zh, NameEn: en, Approvers: spec, Mode: mode}
}

func cc(id string, role string) Node {
	return Node{ID: id, Type: NodeCC, NameZh: "抄送", NameEn: "CC", Approvers: ApproverSpec{Kind: ApproverRole, Role: role}}
}

func deptHead(id string) Node {
	return approver(id, "部门负责人", "Department head", ApproverSpec{Kind: ApproverDeptHead}, ModeSequential)
}

func manager(id string) Node {
	return approver(id, "直属主管", "Direct manager", ApproverSpec{Kind: ApproverManager}, ModeSequential)
}

func gm(id string) Node {
	return approver(id, "总经理", "General manager", ApproverSpec{Kind: ApproverRole, Role: org.RoleGeneralManager}, ModeAny)
}

// threshold is a condition node: value of field ≥ limit → extra nodes.
func threshold(id, field string, limit float64, extra ...Node) Node {
	return Node{ID: id, Type: NodeCondition, NameZh: "条件", NameEn: "Condition", Branches: []Branch{
		{NameZh: "超过限额", NameEn: "Over the limit", Conditions: []Condition{{Kind: CondField, Field: field, Op: OpGTE, Value: limit}}, Nodes: extra},
		{NameZh: "其他情况", NameEn: "Otherwise"},
	}}
}

var moneyFld = func(key, zh, en string) Field { return titled(fld(key, FieldMoney, zh, en, true)) }

type builtin struct {
	key, prefix, zh, en, descZh, descEn, category, icon string
	fields                                              []Field
	nodes                                               []Node
}

func builtins() []builtin {
	reason := fld("reason", FieldTextarea, "事由", "Reason", true)
	atts := fld("attachments", FieldAttachment, "附件", "Attachments", false)
	// Leave is counted in working days of the company calendar (法定节假日、周末不计).
	leaveRange := titled(Field{Key: "period", Type: FieldDateRange, LabelZh: "请假时间", LabelEn: "Period", Required: true, HalfDay: true, DayCount: DaysWorking})
	return []builtin{
		{"leave", "QJ", "请假", "Leave", "不满3天由部门负责人审批；3天及以上还需总经理审批；抄送人事", "Under 3 days: department head; 3 days or more: also the general manager; HR is CC'd", "attendance", "calendar",
			[]Field{titled(opts(fld("leave_type", FieldSelect, "请假类型", "Leave type", true),
				"annual", "年假", "Annual leave", "personal", "事假", "Personal leave", "sick", "病假", "Sick leave",
				"marriage", "婚假", "Marriage leave", "maternity", "产假", "Maternity leave", "bereavement", "丧假", "Bereavement leave", "compensatory", "调休", "Time off in lieu")),
				leaveRange, reason, atts},
			[]Node{{ID: "route", Type: NodeCondition, NameZh: "按天数", NameEn: "By days", Branches: []Branch{
				{NameZh: "不满3天", NameEn: "Under 3 days", Conditions: []Condition{{Kind: CondField, Field: "period", Op: OpLT, Value: 3.0}}, Nodes: []Node{deptHead("head")}},
				{NameZh: "3天及以上", NameEn: "3 days or more", Nodes: []Node{deptHead("head_long"), gm("gm")}},
			}}, cc("cc_hr", org.RoleHR)}},
		{"expense", "BX", "报销", "Expense", "费用报销，5000元及以上需总经理审批", "Expense claim; 5,000 CNY or more also needs the general manager", "finance", "wallet",
			[]Field{moneyFld("amount", "报销金额", "Amount"), opts(fld("expense_type", FieldSelect, "费用类型", "Type", true),
				"travel", "差旅费", "Travel", "meal", "餐费", "Meals", "office", "办公费", "Office", "other", "其他", "Other"),
				{Key: "items", Type: FieldTable, LabelZh: "费用明细", LabelEn: "Items", Columns: []Field{
					fld("date", FieldDate, "日期", "Date", true), fld("description", FieldText, "说明", "Description", true), fld("amount", FieldMoney, "金额", "Amount", true)}},
				reason, atts},
			[]Node{manager("manager"), threshold("big", "amount", 500000, gm("gm")), cc("cc_hr", org.RoleHR)}},
		{"purchase", "CG", "采购", "Purchase", "采购申请，1万元及以上需总经理审批", "Purchase request; 10,000 CNY or more also needs the general manager", "finance", "cart",
			[]Field{titled(fld("item", FieldText, "采购物品", "Item", true)), fld("quantity", FieldNumber, "数量", "Quantity", true), moneyFld("amount", "预计金额", "Estimated amount"),
				fld("needed_by", FieldDate, "期望到货日期", "Needed by", false), reason, atts},
			[]Node{deptHead("head"), threshold("big", "amount", 1000000, gm("gm"))}},
		{"office_supplies", "BG", "办公用品", "Office supplies", "办公用品领用", "Office supplies request", "admin", "box",
			[]Field{{Key: "items", Type: FieldTable, LabelZh: "物品明细", LabelEn: "Items", Required: true, Columns: []Field{
				fld("name", FieldText, "物品名称", "Item", true), fld("quantity", FieldNumber, "数量", "Quantity", true)}}, reason},
			[]Node{deptHead("head"), cc("cc_admin", org.RoleAdmin)}},
		{"business_trip", "CC", "出差", "Business trip", "出差申请，5天及以上需总经理审批", "Business trip; 5 days or more also needs the general manager", "attendance", "plane",
			[]Field{titled(fld("destination", FieldText, "出差地点", "Destination", true)), titled(Field{Key: "period", Type: FieldDateRange, LabelZh: "出差时间", LabelEn: "Period", Required: true}),
				opts(fld("transport", FieldSelect, "交通工具", "Transport", false), "train", "火车", "Train", "plane", "飞机", "Plane", "car", "汽车", "Car", "other", "其他", "Other"),
				fld("budget", FieldMoney, "预算", "Budget", false), reason},
			[]Node{deptHead("head"), threshold("long", "period", 5, gm("gm")), cc("cc_hr", org.RoleHR)}},
		{"outing", "WC", "外出", "Outing", "工作时间外出", "Leaving the office during working hours", "attendance", "location",
			[]Field{titled(fld("place", FieldText, "外出地点", "Place", true)), fld("start", FieldDate, "外出日期", "Date", true), reason},
			[]Node{manager("manager")}},
		{"seal", "YY", "用印", "Seal use", "公章/合同章使用申请", "Use of the company seal", "admin", "stamp",
			[]Field{titled(opts(fld("seal_type", FieldSelect, "印章类型", "Seal", true), "company", "公章", "Company seal", "contract", "合同章", "Contract seal", "finance", "财务章", "Finance seal", "legal", "法人章", "Legal representative seal")),
				fld("document", FieldText, "用印文件", "Document", true), fld("copies", FieldNumber, "份数", "Copies", true), reason, atts},
			[]Node{deptHead("head"), gm("gm")}},
		{"car", "YC", "用车", "Car use", "公务用车申请", "Company car request", "admin", "car",
			[]Field{titled(fld("destination", FieldText, "目的地", "Destination", true)), fld("date", FieldDate, "用车日期", "Date", true), fld("passengers", FieldNumber, "乘车人数", "Passengers", false), reason},
			[]Node{deptHead("head"), cc("cc_admin", org.RoleAdmin)}},
		{"regularisation", "ZZ", "转正", "Regularisation", "试用期转正申请", "End of probation", "hr", "user-check",
			[]Field{fld("join_date", FieldDate, "入职日期", "Joined", true), titled(fld("regular_date", FieldDate, "转正日期", "Regular from", true)), fld("summary", FieldTextarea, "试用期总结", "Probation summary", true)},
			[]Node{manager("manager"), deptHead("head"), approver("hr", "人事", "HR", ApproverSpec{Kind: ApproverRole, Role: org.RoleHR}, ModeAny)}},
		{"recruitment", "ZP", "招聘", "Recruitment", "招聘需求申请", "Hiring request", "hr", "user-plus",
			[]Field{titled(fld("position", FieldText, "招聘岗位", "Position", true)), fld("headcount", FieldNumber, "人数", "Headcount", true), fld("department", FieldDepartment, "用人部门", "Department", true),
				fld("salary", FieldText, "薪资范围", "Salary range", false), fld("requirements", FieldTextarea, "任职要求", "Requirements", true)},
			[]Node{deptHead("head"), gm("gm"), cc("cc_hr", org.RoleHR)}},
		{"makeup_clock", "BK", "补卡", "Makeup clock-in", "忘记打卡补卡申请", "Missed clock-in correction", "attendance", "clock",
			[]Field{titled(fld("date", FieldDate, "补卡日期", "Date", true)), titled(opts(fld("kind", FieldSelect, "补卡类型", "Type", true), "in", "上班卡", "Clock in", "out", "下班卡", "Clock out")), reason},
			[]Node{manager("manager"), cc("cc_hr", org.RoleHR)}},
	}
}

// EnsureBuiltins installs the built-in templates that are missing
// (idempotent; called by server.New after migration).
func (s *Service) EnsureBuiltins(ctx context.Context) error {
	var have []string
	if err := s.db.WithContext(ctx).Model(&Template{}).Where("builtin_key <> ''").Pluck("builtin_key", &have).Error; err != nil {
		return fmt.Errorf("approval: builtins: %w", err)
	}
	seen := map[string]bool{}
	for _, k := range have {
		seen[k] = true
	}
	for _, b := range builtins() {
		if seen[b.key] {
			continue
		}
		now := s.clock.Now()
		t := Template{ID: store.NewID(), BuiltinKey: b.key, Prefix: b.prefix, NameZh: b.zh, NameEn: b.en, DescriptionZh: b.descZh, DescriptionEn: b.descEn,
			Category: b.category, Icon: b.icon, Starters: Starters{Everyone: true}, SLAHours: DefaultSLAHours, SelfApproval: SelfUp, SkipRepeat: true,
			Active: true, CurrentVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
		err := store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
			// A built-in added by an upgrade may find its prefix taken by an
			// admin's template: numbers are counted per prefix, so it takes a
			// free one of the same shape rather than share or be left out.
			if prefixTaken(tx, t.Prefix, t.ID) != nil {
				free := freePrefix(t.Prefix, func(p string) bool { return prefixTaken(tx, p, t.ID) != nil })
				if free == "" {
					return fmt.Errorf("approval: no free number prefix for built-in %s", b.key)
				}
				slog.Warn("approval: built-in template's prefix is taken; using another", "template", b.key, "prefix", b.prefix, "instead", free)
				t.Prefix = free
			}
			return createTemplate(tx, &t, b.fields, Flow{Nodes: b.nodes}, org.System.UserID)
		})
		if err != nil && !isConflict(err) {
			return err
		}
	}
	return nil
}
