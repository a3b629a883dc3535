// Package chat holds conversations and their messages: direct chats (one per
// pair of people), groups (project and temporary groups people create, and
// the all-staff and department groups that follow the org tree), messages
// with a per-conversation sequence number, and one read watermark per member.
//
// Who may do what (checked here, never in handlers):
//   - only members read a conversation or its messages; anyone else gets
//     chat.not_found, as if it did not exist;
//   - anyone starts a direct chat with an active person and creates a
//     temporary group; project groups are created by administrators,
//     department heads and general managers (ProjectGroupRoles);
//   - the owner and the group's admins change its settings, remove members,
//     @all and recall anyone's message; members add people when the group's
//     add policy is "all"; only the owner appoints admins, hands the group
//     on and dissolves it (archived, read-only afterwards);
//   - all-staff and department groups are the org's: their members follow
//     users and departments (hooks registered in server.New) and cannot be
//     added or removed by hand (chat.org_managed);
//   - a sender recalls their own message within 24 hours and edits it
//     within 15 minutes.
//
// Delivery: every change goes out as a chat.* event (backend/event) to the
// members in the transaction that makes it; the events make no notification
// rows. A client that missed some catches up by sequence (ListMessages
// after=<seq>), so nothing is lost or duplicated. Sends that arrive
// together share one transaction (send_batch.go, group commit): the
// commit is a send's main cost, and the order, the gap-free sequence and
// the once-only client key are what each send alone would give.
//
// Search: message bodies are in a full-text index (backend/fulltext, table
// chat_message_fts) written in the transaction that sends, edits (re-index)
// or recalls (removed) a message; a reader searches the conversations they
// are a member of now, filtered in the same statement (search.go).
//
// Busy hours (busy.go): a group message raises no notification of its own;
// after a meeting each person in it gets one chat.busy_summary per group
// that said something new meanwhile (chat.BusyJob, meetings via Meetings).
//
// Administrators find any conversation (FindConversations) to export it
// (ExportConversation, audited).
//
// DING the unread: a sender DINGs the members who have not read their
// message through notify's DING service (its limits and receipts), about
// the conversation (subject type "chat"; DingAccess says who may open it).
//
// Error keys: chat.not_found, chat.message_not_found, chat.user_not_found,
// chat.invalid_conversation, chat.invalid_message, chat.forbidden,
// chat.not_admin, chat.not_owner, chat.post_forbidden,
// chat.add_forbidden, chat.project_forbidden, chat.mention_all_forbidden,
// chat.archived, chat.org_managed, chat.recall_expired, chat.edit_expired,
// chat.recalled, chat.owner_cannot_leave, chat.stale_version,
// chat.invalid_search, chat.invalid_find, chat.all_read, chat.mention_all_limit (429: a group
// gets MentionAllLimit @all in 24 hours).
package chat
