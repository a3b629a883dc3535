package approval

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"tack/backend/org"
)

var exportHeader = []string{"编号 Number", "模板 Template", "标题 Title", "申请人 Applicant", "状态 Status", "提交时间 Submitted", "完成时间 Finished"}

func (s *Service) exportRows(ctx context.Context, actor org.Actor, f ListFilter) ([][]string, error) {
	var rows [][]string
	f.Limit, f.Cursor = 200, ""
	for {
		items, next, err := s.List(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			fin := ""
			if it.FinishedAt != nil {
				fin = it.FinishedAt.In(s.loc).Format(time.DateTime)
			}
			rows = append(rows, []string{it.Number, it.TemplateName, it.Title, it.ApplicantName, it.Status,
				it.SubmittedAt.In(s.loc).Format(time.DateTime), fin})
		}
		if next == "" || len(rows) >= 100000 {
			return rows, nil
		}
		f.Cursor = next
	}
}

// ExportCSV writes the filtered list as CSV with a UTF-8 BOM (Excel opens Chinese).
func (s *Service) ExportCSV(ctx context.Context, actor org.Actor, f ListFilter, w io.Writer) error {
	rows, err := s.exportRows(ctx, actor, f)
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(exportHeader)
	for _, r := range rows {
		_ = cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// ExportXLSX writes the filtered list as an Excel workbook.
func (s *Service) ExportXLSX(ctx context.Context, actor org.Actor, f ListFilter, w io.Writer) error {
	rows, err := s.exportRows(ctx, actor, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Approvals"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	write := func(i int, r []string) error {
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		return sw.SetRow(cell, vals)
	}
	if err := write(0, exportHeader); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	for i, r := range rows {
		if err := write(i+1, r); err != nil {
			return fmt.Errorf("approval: xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("approval: xlsx: %w", err)
	}
	return x.Write(w)
}
