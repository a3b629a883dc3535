package report

import "gorm.io/gorm"

// IndexReports lets the benchmark (package report_test) index the reports it bulk-inserts.
func IndexReports(tx *gorm.DB, rs []Report) error { return indexReports(tx, rs) }

// IndexWithKeys indexes a report with the access keys of extra readers
// besides its own: an index that went stale in the reader's favour.
func IndexWithKeys(tx *gorm.DB, r Report, extraReaders ...string) error {
	keys := readerKeys(r, extraReaders)
	return reportIndex.PutKeyed(tx, r.ID, formText(r.Form), keys)
}
