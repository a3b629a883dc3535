package chat

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"

	"tack/backend/identity"
	"tack/backend/org"
	"tack/backend/store"
)

// LoadDemo gives the demo company (org demo accounts, by e-mail) its
// department and all-staff groups, a project group, a temporary group, two
// direct chats and three days of conversation with some of it read. It does
// nothing when messages exist or the demo people are missing.
func (s *Service) LoadDemo(ctx context.Context, out io.Writer) error {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&Message{}).Count(&n).Error; err != nil {
		return fmt.Errorf("chat: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	var people []org.User
	if err := db.Where("email LIKE ?", "%@demo.tack").Find(&people).Error; err != nil {
		return fmt.Errorf("chat: demo people: %w", err)
	}
	actors := map[string]identity.Actor{}
	for _, u := range people {
		a, err := s.org.ActorFor(ctx, u.ID)
		if err != nil {
			return err
		}
		actors[u.Email[:len(u.Email)-len("@demo.tack")]] = a
	}
	if _, ok := actors["admin"]; !ok {
		return nil // no demo company
	}
	if err := s.EnsureOrgGroups(ctx); err != nil {
		return err
	}
	who := func(k string) identity.Actor { return actors[k] }
	ids := func(ks ...string) []string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = actors[k].UserID
		}
		return out
	}
	// The all-staff group: its owner (the general manager) makes the admin a group admin.
	var staff Conversation
	if err := db.First(&staff, "kind = ?", KindAllStaff).Error; err != nil {
		return fmt.Errorf("chat: demo all-staff: %w", err)
	}
	if staff.OwnerID != "" && staff.OwnerID != who("admin").UserID {
		if _, err := s.SetRole(ctx, actors[keyOf(actors, staff.OwnerID)], staff.ID, who("admin").UserID, RoleRequest{Role: RoleAdmin}); err != nil {
			return err
		}
	}
	var rd Conversation
	if err := db.Joins("JOIN departments d ON d.id = chat_conversations.department_id").
		Where("chat_conversations.kind = ? AND d.name = ?", KindDepartment, "研发部").First(&rd).Error; err != nil && !store.IsNotFound(err) {
		return fmt.Errorf("chat: demo r&d group: %w", err)
	}
	if rd.ID != "" { // the head wants the front-end and back-end teams in it too
		if _, err := s.UpdateGroup(ctx, who("zhoujie"), rd.ID, UpdateGroupRequest{IncludeSub: ptr(true), Version: rd.Version}); err != nil {
			return err
		}
	}
	project, err := s.CreateGroup(ctx, who("zhoujie"), NewGroupRequest{Kind: KindProject, Name: "官网改版项目",
		MemberIDs: ids("wuhao", "xuting", "sunhao", "machao", "zhulin", "guofang", "lintao", "hexue")})
	if err != nil {
		return err
	}
	party, err := s.CreateGroup(ctx, who("lixiuying"), NewGroupRequest{Kind: KindTemporary, Name: "年会筹备",
		MemberIDs: ids("chenjing", "liuyang", "hexue", "luojia")})
	if err != nil {
		return err
	}
	dm1, err := s.OpenDirect(ctx, who("xuting"), DirectRequest{UserID: who("wuhao").UserID})
	if err != nil {
		return err
	}
	dm2, err := s.OpenDirect(ctx, who("admin"), DirectRequest{UserID: who("zhoujie").UserID})
	if err != nil {
		return err
	}
	type line struct {
		conv, from, body string
		day, hour, min   int // days ago, Asia/Shanghai wall clock
		mentions         []string
		all              bool
	}
	lines := []line{
		{staff.ID, "admin", "各位同事：本周五下午 3 点在松·大会议室召开季度全员会，请大家提前安排好工作。", 2, 9, 5, nil, true},
		{staff.ID, "wangjianguo", "季度会上各部门负责人准备 5 分钟的工作汇报。", 2, 9, 20, nil, false},
		{project.ID, "zhoujie", "官网改版项目群建好了，需求文档在钉盘「研发部/官网改版」里，大家先看一下。", 2, 10, 0, nil, false},
		{project.ID, "lintao", "市场这边的诉求：首页突出新产品，案例页要能按行业筛选。", 2, 10, 12, nil, false},
		{project.ID, "wuhao", "前端周三前出首页和案例页的原型，@徐婷 负责案例页。", 2, 10, 30, ids("xuting"), false},
		{project.ID, "xuting", "收到，我今天先把案例页的交互稿画出来。", 2, 10, 34, nil, false},
		{project.ID, "machao", "后端这边案例数据要加行业字段，接口文档明天给到前端。", 2, 11, 2, nil, false},
		{dm1.ID, "xuting", "吴哥，案例页的筛选放左侧还是顶部？", 2, 14, 10, nil, false},
		{dm1.ID, "wuhao", "顶部吧，手机上好处理一些。", 2, 14, 16, nil, false},
		{party.ID, "lixiuying", "年会定在 1 月 23 日晚上，场地有两个候选，大家投个票：A 酒店宴会厅，B 公司附近的餐厅包场。", 1, 9, 30, nil, true},
		{party.ID, "chenjing", "我选 A，人数多的话 B 坐不下。", 1, 9, 41, nil, false},
		{party.ID, "hexue", "A +1，节目可以让市场部来牵头。", 1, 9, 55, nil, false},
		{party.ID, "lixiuying", "好，那就定 A。@罗佳 麻烦出一版年会海报。", 1, 10, 20, ids("luojia"), false},
		{project.ID, "zhulin", "接口文档已放在钉盘，@吴昊 @徐婷 看一下字段是否够用。", 1, 15, 0, ids("wuhao", "xuting"), false},
		{project.ID, "xuting", "够用，谢谢！案例页原型已经上传。", 1, 15, 26, nil, false},
		{project.ID, "guofang", "测试计划我周四排，上线前需要两天回归。", 1, 16, 40, nil, false},
		{dm2.ID, "admin", "周总，研发部的新电脑已经到了，明天上午可以领。", 0, 9, 15, nil, false},
		{dm2.ID, "zhoujie", "好的，我让大家上午过去。", 0, 9, 22, nil, false},
		{project.ID, "zhoujie", "进度不错，周五季度会上我来汇报官网改版，@所有人 有风险今天提出来。", 0, 10, 5, nil, true},
		{project.ID, "lintao", "首页的新产品图市场部周四给到。", 0, 10, 18, nil, false},
	}
	if rd.ID != "" {
		lines = append(lines, line{rd.ID, "zhoujie", "研发部的同事：本周代码评审改到周四下午。", 1, 11, 0, nil, false})
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := s.clock.Now().In(loc)
	type stamp struct {
		id string
		at time.Time
	}
	var stamps []stamp
	for i, l := range lines {
		m, err := s.Send(ctx, who(l.from), l.conv, SendRequest{ClientKey: fmt.Sprintf("demo-%d", i), Body: l.body,
			Mentions: l.mentions, MentionAll: l.all})
		if err != nil {
			return fmt.Errorf("chat: demo line %d: %w", i, err)
		}
		day := now.AddDate(0, 0, -l.day)
		at := time.Date(day.Year(), day.Month(), day.Day(), l.hour, l.min, 0, 0, loc)
		if at.After(now) {
			at = now.Add(-time.Duration(len(lines)-i) * time.Minute)
		}
		stamps = append(stamps, stamp{m.ID, at.UTC()})
	}
	// The demo's conversation happened over the last days: date it so.
	err = store.WriteTx(ctx, s.db, func(tx *gorm.DB) error {
		for _, st := range stamps {
			if err := tx.Model(&Message{}).Where("id = ?", st.id).Update("created_at", st.at).Error; err != nil {
				return err
			}
		}
		return tx.Exec(`UPDATE chat_conversations SET last_message_at = (SELECT MAX(m.created_at) FROM chat_messages m
			WHERE m.conversation_id = chat_conversations.id) WHERE last_seq > 0`).Error
	})
	if err != nil {
		return fmt.Errorf("chat: demo dates: %w", err)
	}
	// Most have read most of it; a few have not (their receipts show).
	for _, r := range []struct {
		who  string
		conv string
		seq  int64
	}{
		{"wuhao", project.ID, 99}, {"xuting", project.ID, 99}, {"machao", project.ID, 8}, {"zhulin", project.ID, 99},
		{"lintao", project.ID, 99}, {"guofang", project.ID, 7}, {"chenjing", party.ID, 99}, {"hexue", party.ID, 99},
		{"liuyang", party.ID, 2}, {"wuhao", dm1.ID, 99}, {"zhoujie", dm2.ID, 99}, {"wangjianguo", staff.ID, 99},
		{"zhoujie", staff.ID, 99}, {"chenjing", staff.ID, 99}, {"lintao", staff.ID, 99},
	} {
		if _, err := s.MarkRead(ctx, who(r.who), r.conv, r.seq); err != nil {
			return err
		}
	}
	// The project group's announcement, read by some; a file in the group.
	g, err := s.GetConversation(ctx, who("zhoujie"), project.ID)
	if err != nil {
		return err
	}
	if _, err := s.SetAnnouncement(ctx, who("zhoujie"), project.ID, AnnouncementRequest{Version: g.Version,
		Body: "官网改版周五上线前冻结需求：新需求请先在群里提出，由周杰确认后排期。测试回归安排在周四、周五两天。"}); err != nil {
		return err
	}
	for _, u := range []string{"wuhao", "xuting", "lintao"} {
		if _, err := s.ReadAnnouncement(ctx, who(u), project.ID); err != nil {
			return err
		}
	}
	if s.files != nil {
		if _, err := s.SendFile(ctx, who("xuting"), project.ID, SendFileRequest{ClientKey: "demo-file-1", Name: "案例页原型说明.txt", Size: -1,
			Body: strings.NewReader("案例页原型说明\n\n1. 顶部按行业筛选（制造、零售、金融、教育）。\n2. 列表卡片：客户名称、行业、一句话成果。\n")}); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(out, "chat: department and all-staff groups, a project group (with an announcement and a file), a temporary group, two direct chats, three days of messages")
	return err
}

func ptr[T any](v T) *T { return &v }

func keyOf(actors map[string]identity.Actor, userID string) string {
	for k, a := range actors {
		if a.UserID == userID {
			return k
		}
	}
	return ""
}
