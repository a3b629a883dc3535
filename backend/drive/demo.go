package drive

import (
	"context"
	"fmt"
	"io"
	"strings"

	"tack/backend/org"
)

// demoFiles is the company space of the demo company: the policy documents
// a DingTalk office keeps in its 钉盘, so a newcomer opening the drive sees
// how folders, files and versions look.
var demoFiles = []struct{ folder, name, body string }{
	{"公司制度", "考勤与请假制度.md", "# 考勤与请假制度\n\n- 工作时间：周一至周五 9:00–18:00\n- 请假少于 3 天由部门负责人审批；3 天及以上还需总经理审批，人事抄送。\n- 忘记打卡请在 3 个工作日内提交补卡申请。\n"},
	{"公司制度", "费用报销制度.md", "# 费用报销制度\n\n1. 报销在费用发生后 30 天内通过「报销」审批提交，附发票照片。\n2. 单笔 5,000 元以上需财务经理复核。\n"},
	{"公司制度", "会议管理规定.md", "# 会议管理规定\n\n会议须提前预约会议室并发送通知，会前 10 分钟提醒。每次会议指定记录人，纪要在会后 1 个工作日内发布到钉盘。\n"},
	{"模板", "周报模板.txt", "本周完成：\n下周计划：\n需要协调：\n"},
}

// LoadDemo fills the demo company's company space (see org.LoadDemo) with a
// few folders and documents. It does nothing without the demo admin or when
// the company space already has content.
func (s *Service) LoadDemo(ctx context.Context, orgSvc *org.Service, out io.Writer) error {
	var u org.User
	if err := s.db.WithContext(ctx).Where("email = ?", "admin@demo.tack").Limit(1).Find(&u).Error; err != nil {
		return fmt.Errorf("drive: demo admin: %w", err)
	}
	if u.ID == "" {
		return nil // no demo company: nothing to fill
	}
	admin, err := orgSvc.ActorFor(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("drive: demo admin: %w", err)
	}
	sp, err := s.CompanySpace(ctx)
	if err != nil {
		return fmt.Errorf("drive: demo: %w", err)
	}
	if kids, _, err := s.Children(ctx, admin, sp.RootID, 1, ""); err != nil || len(kids) > 0 {
		return err
	}
	folders := map[string]string{}
	for _, f := range demoFiles {
		parent, ok := folders[f.folder]
		if !ok {
			e, err := s.CreateFolder(ctx, admin, CreateFolderRequest{ParentID: sp.RootID, Name: f.folder})
			if err != nil {
				return fmt.Errorf("drive: demo folder %s: %w", f.folder, err)
			}
			parent, folders[f.folder] = e.ID, e.ID
		}
		if _, err := s.UploadSmall(ctx, admin, SmallUpload{ParentID: parent, Name: f.name, Body: strings.NewReader(f.body)}); err != nil {
			return fmt.Errorf("drive: demo file %s: %w", f.name, err)
		}
	}
	fmt.Fprintf(out, "drive: %d documents in the company space (%s)\n", len(demoFiles), sp.Name)
	return nil
}
