// Package report is the work reports domain (日志): templates (the built-in
// 日报, 周报 and 月报, with the approval form designer's field schema and
// validation, approval.ValidateFields / ValidateForm), each with who may
// write it (departments, people; none = everyone), a cycle (daily, weekly,
// monthly, none) and a due time on the company working calendar (workcal):
// the daily at its time on working days, the weekly and monthly on the last
// working day of the week or month (make-up days count, holidays do not).
//
// Writing: a draft lives on the server and is saved as its writer types;
// submitting validates the form and sends it to the writer's leader (the
// head of their department; for that head, the head above; a head who has
// left is skipped up the chain), the template's recipients and the people
// the writer chose, who get report.submitted. A report submitted after its
// due time is late. Its writer may change it for EditWindow after
// submitting; each change keeps the previous text as a revision.
//
// A new report may start written: Suggest proposes the writer's own
// activity of the period (Activity: approvals, meetings, action items) as
// text the writer edits; it is never saved or sent by itself.
//
// Reading: the received inbox (unread first), read status per recipient,
// comments with replies (report.commented to the writer and the thread;
// @mentions in a comment send report.mentioned and make the person a
// recipient, as a mention in the report does), likes, one person's week on
// one page, full-text search (search.go, backend/fulltext) over the
// submitted reports the reader may see, indexed in the transaction that
// submits or edits a report or adds a reader; each document carries its
// readers as access keys so a search walks only what the searcher may read,
// and the SQL permission filter on the same statement stays the authority. Who has not written: the expected
// writers of a period are materialised (Job, or on first look) with their
// leader then; people on approved leave on the due day are exempt, and a
// daily on a rest day expects nobody. A leader sees those they lead, a
// template's recipients all its writers. Those who have not written are
// reminded before the due time and their leader gets one summary after it,
// both inside working hours only (remind.go).
//
// Who may do what (checked here): a report is visible to its writer and,
// once submitted, to its recipients; nobody else, admins included, unless
// they hold RoleReader ("report_reader", a role an admin creates and gives):
// they read every submitted report and its comments, each read audited
// (report.read_granted), but neither comment nor like. Only the writer saves,
// submits, edits or deletes (a draft); readers comment and like.
//
// Error keys: report.not_found, report.template_not_found,
// report.not_allowed, report.stale_version, report.already_submitted,
// report.edit_closed, report.already_written, report.not_leader,
// report.comment_not_found, report.bad_period, report.invalid,
// report.too_large.
package report
