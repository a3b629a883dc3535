package attendance

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"tack/backend/identity"
)

func pick(lang, zh, en string) string {
	if strings.HasPrefix(lang, "en") {
		return en
	}
	return zh
}

// checkpointRow is the chain's head at a company day's last punch.
type checkpointRow struct {
	Day     string
	LastSeq int64
	Hash    string
}

// monthCheckpoint is the last chain checkpoint of the month (or before it).
func monthCheckpoint(tx *gorm.DB, month string) (checkpointRow, error) {
	var cp checkpointRow
	err := tx.Table("attendance_checkpoints").Select("day, last_seq, hash").Where("day <= ?", month+"-31").
		Order("day DESC").Limit(1).Find(&cp).Error
	if err != nil {
		return cp, fmt.Errorf("attendance: checkpoint: %w", err)
	}
	return cp, nil
}

// ExportMonthXLSX writes a department's month as XLSX: a summary sheet (one
// row per person, then the report's state and the punch chain's checkpoint
// hash, so a printed copy can be checked against `tack admin verify`) and a
// daily-detail sheet (one row per person and day).
func (s *Service) ExportMonthXLSX(ctx context.Context, a identity.Actor, deptID, month, lang string, w io.Writer) error {
	sheet, err := s.MonthSheet(ctx, a, deptID, month)
	if err != nil {
		return err
	}
	cp, err := monthCheckpoint(s.db.WithContext(ctx), month)
	if err != nil {
		return err
	}
	leaveTypes := []string{}
	for _, r := range sheet.Rows {
		for t := range r.LeaveMinutes {
			if !slices.Contains(leaveTypes, t) {
				leaveTypes = append(leaveTypes, t)
			}
		}
	}
	slices.Sort(leaveTypes)
	x := excelize.NewFile()
	defer x.Close()
	sum := pick(lang, "月度汇总", "Summary")
	detail := pick(lang, "每日明细", "Daily detail")
	if err := x.SetSheetName("Sheet1", sum); err != nil {
		return err
	}
	if _, err := x.NewSheet(detail); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}})
	if err != nil {
		return err
	}
	head := []any{pick(lang, "姓名", "Name"), pick(lang, "应出勤天数", "Days due"), pick(lang, "出勤天数", "Days worked"),
		pick(lang, "迟到次数", "Late (times)"), pick(lang, "迟到分钟", "Late (minutes)"), pick(lang, "早退次数", "Early (times)"),
		pick(lang, "早退分钟", "Early (minutes)"), pick(lang, "缺卡次数", "Missing punches"), pick(lang, "旷工天数", "Absent days"),
		pick(lang, "外勤天数", "Field days"), pick(lang, "加班分钟", "Overtime (minutes)"), pick(lang, "补卡次数", "Makeups used")}
	for _, t := range leaveTypes {
		head = append(head, pick(lang, "请假（分钟）：", "Leave (minutes): ")+t)
	}
	if err := x.SetSheetRow(sum, "A1", &head); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(head), 1)
	_ = x.SetCellStyle(sum, "A1", end, bold)
	row := 2
	for _, r := range sheet.Rows {
		vals := []any{r.Name, r.DaysDue, r.DaysWorked, r.LateCount, r.LateMinutes, r.EarlyCount, r.EarlyMinutes, r.MissingCount,
			r.AbsentDays, r.FieldDays, r.OvertimeMinutes, r.MakeupUsed}
		for _, t := range leaveTypes {
			vals = append(vals, r.LeaveMinutes[t])
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := x.SetSheetRow(sum, cell, &vals); err != nil {
			return err
		}
		row++
	}
	row++
	rep := sheet.Report
	status := map[string][2]string{MonthOpen: {"待确认", "waiting for confirmation"}, MonthReturned: {"已退回修改", "sent back for corrections"},
		MonthConfirmed: {"已确认", "confirmed"}}[rep.Status]
	meta := [][]any{
		{pick(lang, "部门", "Department"), rep.Name},
		{pick(lang, "月份", "Month"), month},
		{pick(lang, "状态", "Status"), pick(lang, status[0], status[1])},
		{pick(lang, "打卡记录校验点（日期）", "Punch chain checkpoint (day)"), cp.Day},
		{pick(lang, "打卡记录校验点（序号）", "Punch chain checkpoint (sequence)"), cp.LastSeq},
		{pick(lang, "打卡记录校验点（哈希）", "Punch chain checkpoint (hash)"), cp.Hash},
	}
	if rep.ConfirmedAt != nil {
		meta = append(meta, []any{pick(lang, "确认时间", "Confirmed at"), rep.ConfirmedAt.In(s.loc).Format(time.DateTime)},
			[]any{pick(lang, "确认时的链头哈希", "Chain head hash when confirmed"), rep.ChainHash})
	}
	for _, m := range meta {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := x.SetSheetRow(sum, cell, &m); err != nil {
			return err
		}
		_ = x.SetCellStyle(sum, cell, cell, bold)
		row++
	}
	_ = x.SetColWidth(sum, "A", "A", 28)
	dh := []any{pick(lang, "姓名", "Name"), pick(lang, "日期", "Date"), pick(lang, "日类型", "Day type"), pick(lang, "结果", "Result"),
		pick(lang, "上班打卡", "In"), pick(lang, "下班打卡", "Out"), pick(lang, "迟到分钟", "Late (minutes)"), pick(lang, "早退分钟", "Early (minutes)"),
		pick(lang, "工作分钟", "Worked (minutes)"), pick(lang, "加班分钟", "Overtime (minutes)"), pick(lang, "假期类型", "Leave type"),
		pick(lang, "请假分钟", "Leave (minutes)"), pick(lang, "标记", "Flags")}
	if err := x.SetSheetRow(detail, "A1", &dh); err != nil {
		return err
	}
	end, _ = excelize.CoordinatesToCellName(len(dh), 1)
	_ = x.SetCellStyle(detail, "A1", end, bold)
	clock := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(s.loc).Format("15:04")
	}
	row = 2
	for _, r := range sheet.Rows {
		for _, d := range r.Days {
			vals := []any{r.Name, d.WorkDate, d.DayType, d.Status, clock(d.FirstIn), clock(d.LastOut), d.LateMinutes, d.EarlyMinutes,
				d.WorkedMinutes, d.OvertimeMinutes, d.LeaveType, d.LeaveMinutes, strings.Join(d.Flags, ",")}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := x.SetSheetRow(detail, cell, &vals); err != nil {
				return err
			}
			row++
		}
	}
	return x.Write(w)
}
