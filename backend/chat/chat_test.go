package chat_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"tack/backend/chat"
	"tack/backend/event"
	"tack/backend/identity"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/server/servertest"
)

// world is a small company: an admin, department A (head ha, people a1, a2)
// and department B (b1).
type world struct {
	e                  *servertest.Env
	admin              string
	adminU             org.User
	deptA, deptB       org.Department
	ha, a1, a2, b1     org.User
	tha, ta1, ta2, tb1 string
}

func newWorld(t *testing.T, e *servertest.Env) *world {
	w := &world{e: e}
	w.admin, w.adminU = e.Setup()
	w.deptA = e.NewDepartment(w.admin, "研发部", "", nil)
	w.deptB = e.NewDepartment(w.admin, "市场部", "", nil)
	w.ha, w.tha = e.NewUser(w.admin, w.deptA.ID, org.RoleDeptHead)
	e.Must(http.StatusOK, "PATCH", "/api/v1/departments/"+w.deptA.ID, w.admin, map[string]any{"head_id": w.ha.ID, "version": w.deptA.Version})
	w.a1, w.ta1 = e.NewUser(w.admin, w.deptA.ID)
	w.a2, w.ta2 = e.NewUser(w.admin, w.deptA.ID)
	w.b1, w.tb1 = e.NewUser(w.admin, w.deptB.ID)
	return w
}

func (w *world) convs(token string) []chat.ConversationView {
	var p struct{ Items []chat.ConversationView }
	w.e.Must(http.StatusOK, "GET", "/api/v1/chat/conversations", token, nil).JSON(w.e.T, &p)
	return p.Items
}

func (w *world) kind(token, kind, deptID string) *chat.ConversationView {
	for _, c := range w.convs(token) {
		if c.Kind == kind && (deptID == "" || c.DepartmentID == deptID) {
			return &c
		}
	}
	return nil
}

func (w *world) group(token, kind, name string, members ...string) chat.ConversationView {
	var c chat.ConversationView
	w.e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations", token,
		map[string]any{"kind": kind, "name": name, "member_ids": members}).JSON(w.e.T, &c)
	return c
}

func (w *world) send(token, convID string, body map[string]any) chat.MessageView {
	var m chat.MessageView
	w.e.Must(http.StatusCreated, "POST", "/api/v1/chat/conversations/"+convID+"/messages", token, body).JSON(w.e.T, &m)
	return m
}

func (w *world) messages(token, convID, query string) chat.MessagePage {
	var p chat.MessagePage
	w.e.Must(http.StatusOK, "GET", "/api/v1/chat/conversations/"+convID+"/messages"+query, token, nil).JSON(w.e.T, &p)
	return p
}

func key(t *testing.T, r servertest.Response) string {
	t.Helper()
	_, k, _ := r.ErrorCode()
	return k
}

func TestDirectChatIsOnePerPair(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		var c1, c2 chat.ConversationView
		e.Must(200, "POST", "/api/v1/chat/direct", w.ta1, map[string]any{"user_id": w.b1.ID}).JSON(t, &c1)
		e.Must(200, "POST", "/api/v1/chat/direct", w.tb1, map[string]any{"user_id": w.a1.ID}).JSON(t, &c2)
		if c1.ID != c2.ID || c1.Kind != chat.KindDirect || c1.Title != w.b1.Name || c2.Title != w.a1.Name {
			t.Fatalf("direct chats %+v / %+v", c1, c2)
		}
		if r := e.Do("POST", "/api/v1/chat/direct", w.ta1, map[string]any{"user_id": w.a1.ID}); r.Status != 400 {
			t.Fatalf("chat with oneself: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/chat/conversations/"+c1.ID, w.ta2, nil); r.Status != 404 {
			t.Fatalf("outsider reads a direct chat: %d", r.Status)
		}
	})
}

func TestRetriedSendNeverDuplicates(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "讨论", w.a2.ID)
		m1 := w.send(w.ta1, g.ID, map[string]any{"client_key": "k-1", "body": "你好"})
		m2 := w.send(w.ta1, g.ID, map[string]any{"client_key": "k-1", "body": "你好"})
		if m1.ID != m2.ID || m1.Seq != 1 {
			t.Fatalf("retry made %+v and %+v", m1, m2)
		}
		// Concurrent retries of one key through the service: one message.
		a := identity.Actor{UserID: w.a1.ID, Name: w.a1.Name}
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errs := make([]error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, err := e.Server.Chat.Send(context.Background(), a, g.ID, chat.SendRequest{ClientKey: "k-2", Body: "again"})
				ids[i], errs[i] = m.ID, err
			}()
		}
		wg.Wait()
		for i := range 8 {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("concurrent retries: %v %v", ids, errs)
			}
		}
		if p := w.messages(w.ta2, g.ID, ""); len(p.Items) != 2 || p.Items[1].Seq != 2 {
			t.Fatalf("messages after retries: %+v", p.Items)
		}
	})
}

func TestSequenceUnderConcurrentSenders(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "并发", w.a2.ID, w.b1.ID)
		senders := []org.User{w.a1, w.a2, w.b1}
		const each = 15
		var wg sync.WaitGroup
		errs := make(chan error, len(senders)*each)
		for _, u := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := identity.Actor{UserID: u.ID, Name: u.Name}
				for i := range each {
					if _, err := e.Server.Chat.Send(context.Background(), a, g.ID,
						chat.SendRequest{ClientKey: fmt.Sprintf("%s-%d", u.ID, i), Body: fmt.Sprint(i)}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var all []chat.MessageView
		for after := int64(0); ; {
			p := w.messages(w.ta1, g.ID, fmt.Sprintf("?after=%d&limit=7", after))
			if after == 0 {
				p = w.messages(w.ta1, g.ID, "?before=1000000&limit=200")
			}
			all = append(all, p.Items...)
			if after == 0 || !p.More {
				break
			}
			after = p.Items[len(p.Items)-1].Seq
		}
		if len(all) != len(senders)*each {
			t.Fatalf("%d messages", len(all))
		}
		last := map[string]int{}
		for i, m := range all {
			if m.Seq != int64(i+1) {
				t.Fatalf("message %d has seq %d", i, m.Seq)
			}
			n := 0
			fmt.Sscan(m.Body, &n)
			if prev, ok := last[m.SenderID]; ok && n != prev+1 {
				t.Fatalf("sender %s out of order: %d after %d", m.SenderID, n, prev)
			}
			last[m.SenderID] = n
		}
		// Catching up by sequence in pages: every message once, in order.
		var caught []int64
		for after := int64(3); ; {
			p := w.messages(w.tb1, g.ID, fmt.Sprintf("?after=%d&limit=7", after))
			for _, m := range p.Items {
				caught = append(caught, m.Seq)
			}
			if !p.More {
				break
			}
			after = p.Items[len(p.Items)-1].Seq
		}
		if len(caught) != len(all)-3 || caught[0] != 4 || !slices.IsSorted(caught) || slices.Compact(caught)[len(caught)-1] != int64(len(all)) {
			t.Fatalf("caught up %v", caught)
		}
	})
}

func TestMentionsRepliesEditRecallForward(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "需求评审", w.a2.ID, w.b1.ID)
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/messages", w.ta2, map[string]any{"body": "@所有人 开会", "mention_all": true}); r.Status != 403 || key(t, r) != "chat.mention_all_forbidden" {
			t.Fatalf("member @all: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/messages", w.ta2, map[string]any{"body": "@x", "mentions": []string{w.ha.ID}}); r.Status != 400 {
			t.Fatalf("mention of a non-member: %d", r.Status)
		}
		all := w.send(w.ta1, g.ID, map[string]any{"body": "@所有人 下午三点评审", "mention_all": true})
		q := w.send(w.ta2, g.ID, map[string]any{"body": "@" + w.b1.Name + " 你来吗", "mentions": []string{w.b1.ID}})
		r := w.send(w.tb1, g.ID, map[string]any{"body": "来", "reply_to_id": q.ID})
		if !all.MentionAll || len(q.Mentions) != 1 || r.Reply == nil || r.Reply.ID != q.ID || r.Reply.SenderName != w.a2.Name {
			t.Fatalf("mentions/reply: %+v %+v %+v", all, q, r)
		}
		// Edit within 15 minutes, not after; never someone else's.
		e.Clock.Advance(10 * time.Minute)
		var ed chat.MessageView
		e.Must(200, "PATCH", "/api/v1/chat/messages/"+r.ID, w.tb1, map[string]any{"body": "来，带电脑"}).JSON(t, &ed)
		if ed.EditedAt == nil || ed.Body != "来，带电脑" {
			t.Fatalf("edited %+v", ed)
		}
		if x := e.Do("PATCH", "/api/v1/chat/messages/"+r.ID, w.ta1, map[string]any{"body": "x"}); x.Status != 403 {
			t.Fatalf("edit of another's message: %d", x.Status)
		}
		e.Clock.Advance(6 * time.Minute)
		if x := e.Do("PATCH", "/api/v1/chat/messages/"+r.ID, w.tb1, map[string]any{"body": "x"}); key(t, x) != "chat.edit_expired" {
			t.Fatalf("late edit: %s", x.Body)
		}
		// Recall own within 24 h; a member cannot recall another's; the owner can.
		if x := e.Do("POST", "/api/v1/chat/messages/"+q.ID+"/recall", w.tb1, nil); x.Status != 403 {
			t.Fatalf("member recalls another's: %d", x.Status)
		}
		e.Clock.Advance(25 * time.Hour)
		if x := e.Do("POST", "/api/v1/chat/messages/"+q.ID+"/recall", w.ta2, nil); key(t, x) != "chat.recall_expired" {
			t.Fatalf("late recall: %s", x.Body)
		}
		var rc chat.MessageView
		e.Must(200, "POST", "/api/v1/chat/messages/"+q.ID+"/recall", w.ta1, nil).JSON(t, &rc)
		if rc.RecalledAt == nil || rc.Body != "" || rc.RecalledBy != w.a1.ID {
			t.Fatalf("moderated %+v", rc)
		}
		if p := w.messages(w.tb1, g.ID, ""); p.Items[2].Reply == nil || !p.Items[2].Reply.Recalled || p.Items[2].Reply.Body != "" {
			t.Fatalf("quote of a recalled message: %+v", p.Items[2].Reply)
		}
		// Forward to a direct chat the forwarder is in; not into one they are not.
		var d chat.ConversationView
		e.Must(200, "POST", "/api/v1/chat/direct", w.tb1, map[string]any{"user_id": w.ha.ID}).JSON(t, &d)
		var fw struct{ Items []chat.MessageView }
		e.Must(201, "POST", "/api/v1/chat/messages/"+all.ID+"/forward", w.tb1, map[string]any{"conversation_ids": []string{d.ID}}).JSON(t, &fw)
		if len(fw.Items) != 1 || fw.Items[0].ForwardedFromID != all.ID || fw.Items[0].Body != all.Body || fw.Items[0].ConversationID != d.ID {
			t.Fatalf("forwarded %+v", fw.Items)
		}
		var other chat.ConversationView
		e.Must(200, "POST", "/api/v1/chat/direct", w.ta1, map[string]any{"user_id": w.ha.ID}).JSON(t, &other)
		if x := e.Do("POST", "/api/v1/chat/messages/"+all.ID+"/forward", w.tb1, map[string]any{"conversation_ids": []string{other.ID}}); x.Status != 404 {
			t.Fatalf("forward into a stranger's chat: %d", x.Status)
		}
	})
}

func TestReadReceiptsAndUnread(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "周会", w.a2.ID, w.b1.ID)
		m1 := w.send(w.ta1, g.ID, map[string]any{"body": "一"})
		w.send(w.ta1, g.ID, map[string]any{"body": "二"})
		if m1.Unread != 2 {
			t.Fatalf("fresh message unread by %d", m1.Unread)
		}
		var u chat.Unread
		e.Must(200, "GET", "/api/v1/chat/unread", w.ta2, nil).JSON(t, &u)
		if u.Total != 2 {
			t.Fatalf("a2 unread %d", u.Total)
		}
		e.Must(200, "POST", "/api/v1/chat/conversations/"+g.ID+"/read", w.ta2, map[string]any{"seq": 1})
		var rc chat.Receipts
		e.Must(200, "GET", "/api/v1/chat/messages/"+m1.ID+"/receipts", w.ta1, nil).JSON(t, &rc)
		if len(rc.Read) != 1 || rc.Read[0].ID != w.a2.ID || len(rc.Unread) != 1 || rc.Unread[0].ID != w.b1.ID {
			t.Fatalf("receipts %+v", rc)
		}
		if x := e.Do("GET", "/api/v1/chat/messages/"+m1.ID+"/receipts", w.ta2, nil); x.Status != 403 {
			t.Fatalf("receipts of another's message: %d", x.Status)
		}
		p := w.messages(w.ta1, g.ID, "")
		if p.Items[0].Unread != 1 || p.Items[1].Unread != 2 {
			t.Fatalf("unread per message %d %d", p.Items[0].Unread, p.Items[1].Unread)
		}
		if p := w.messages(w.ta2, g.ID, ""); p.Items[0].Unread != -1 {
			t.Fatalf("a reader sees counts of others' messages")
		}
		// The watermark never goes back and never passes the newest message.
		e.Must(200, "POST", "/api/v1/chat/conversations/"+g.ID+"/read", w.ta2, map[string]any{"seq": 99})
		e.Must(200, "POST", "/api/v1/chat/conversations/"+g.ID+"/read", w.ta2, map[string]any{"seq": 1})
		var c chat.ConversationView
		e.Must(200, "GET", "/api/v1/chat/conversations/"+g.ID, w.ta2, nil).JSON(t, &c)
		if c.ReadSeq != 2 || c.Unread != 0 {
			t.Fatalf("watermark %d unread %d", c.ReadSeq, c.Unread)
		}
		// One row per member: the table holds members, not message×reader.
		var rows int64
		e.Server.DB.Model(&chat.Member{}).Where("conversation_id = ?", g.ID).Count(&rows)
		if rows != 3 {
			t.Fatalf("%d member rows", rows)
		}
		// Muted conversations leave the total.
		e.Must(200, "PUT", "/api/v1/chat/conversations/"+g.ID+"/mine", w.tb1, map[string]any{"muted": true, "pinned": true})
		e.Must(200, "GET", "/api/v1/chat/unread", w.tb1, nil).JSON(t, &u)
		if u.Total != 0 {
			t.Fatalf("muted still counted: %d", u.Total)
		}
		if cs := w.convs(w.tb1); !cs[0].Pinned || cs[0].ID != g.ID || cs[0].Unread != 2 {
			t.Fatalf("pinned first: %+v", cs[0])
		}
		// The sender hears of the read (chat.read), as the reader's devices do.
		evs := events(t, e, event.ChatRead, g.ID)
		if len(evs) != 2 || !slices.Contains(evs[0].Recipients, w.a1.ID) || slices.Contains(evs[0].Recipients, w.b1.ID) {
			t.Fatalf("read events %+v", evs)
		}
	})
}

func events(t *testing.T, e *servertest.Env, typ, subject string) []notify.Event {
	var evs []notify.Event
	if err := e.Server.DB.Where("type = ? AND subject_id = ?", typ, subject).Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestGroupSettingsMembersAndDissolve(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		if r := e.Do("POST", "/api/v1/chat/conversations", w.ta1, map[string]any{"kind": "project", "name": "p"}); key(t, r) != "chat.project_forbidden" {
			t.Fatalf("member creates a project group: %s", r.Body)
		}
		g := w.group(w.tha, chat.KindProject, "新版本", w.a1.ID, w.a2.ID)
		if g.MyRole != chat.RoleOwner || g.MemberCount != 3 {
			t.Fatalf("project group %+v", g)
		}
		// A member may not change settings; the owner may, with the version read.
		if r := e.Do("PATCH", "/api/v1/chat/conversations/"+g.ID, w.ta1, map[string]any{"post_policy": "admins", "version": g.Version}); key(t, r) != "chat.not_admin" {
			t.Fatalf("member changes settings: %s", r.Body)
		}
		var g2 chat.ConversationView
		e.Must(200, "PATCH", "/api/v1/chat/conversations/"+g.ID, w.tha, map[string]any{"post_policy": "admins", "add_policy": "admins", "version": g.Version}).JSON(t, &g2)
		if r := e.Do("PATCH", "/api/v1/chat/conversations/"+g.ID, w.tha, map[string]any{"name": "y", "version": g.Version}); key(t, r) != "chat.stale_version" {
			t.Fatalf("stale version: %s", r.Body)
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/messages", w.ta1, map[string]any{"body": "hi"}); key(t, r) != "chat.post_forbidden" {
			t.Fatalf("member posts in an admins-only group: %s", r.Body)
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/members", w.ta1, map[string]any{"user_ids": []string{w.b1.ID}}); key(t, r) != "chat.add_forbidden" {
			t.Fatalf("member adds in an admins-add group: %s", r.Body)
		}
		// The owner makes a1 an admin: a1 posts and adds b1.
		e.Must(200, "PUT", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.a1.ID+"/role", w.tha, map[string]any{"role": "admin"})
		w.send(w.ta1, g.ID, map[string]any{"body": "欢迎"})
		e.Must(200, "POST", "/api/v1/chat/conversations/"+g.ID+"/members", w.ta1, map[string]any{"user_ids": []string{w.b1.ID}})
		if p := w.messages(w.tb1, g.ID, ""); len(p.Items) != 1 {
			t.Fatalf("new member reads %d", len(p.Items))
		}
		// An admin removes a member; the removed member reads nothing and hears nothing new.
		e.Must(204, "DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.b1.ID, w.ta1, nil)
		if r := e.Do("GET", "/api/v1/chat/conversations/"+g.ID+"/messages", w.tb1, nil); r.Status != 404 {
			t.Fatalf("removed member reads: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/messages", w.tb1, map[string]any{"body": "x"}); r.Status != 404 {
			t.Fatalf("removed member posts: %d", r.Status)
		}
		after := w.send(w.ta1, g.ID, map[string]any{"body": "b1 走了"})
		for _, ev := range events(t, e, event.ChatMessage, g.ID) {
			if ev.Data["message_id"] == after.ID && slices.Contains(ev.Recipients, w.b1.ID) {
				t.Fatal("removed member got a new message")
			}
		}
		if c := w.kind(w.tb1, chat.KindProject, ""); c != nil {
			t.Fatal("removed member still lists the group")
		}
		// An admin cannot remove the owner; the owner cannot just leave.
		if r := e.Do("DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.ha.ID, w.ta1, nil); key(t, r) != "chat.not_owner" {
			t.Fatalf("admin removes owner: %s", r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.ha.ID, w.tha, nil); key(t, r) != "chat.owner_cannot_leave" {
			t.Fatalf("owner leaves: %s", r.Body)
		}
		// Only the owner dissolves; afterwards it is read-only and still readable.
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/dissolve", w.ta1, nil); key(t, r) != "chat.not_owner" {
			t.Fatalf("admin dissolves: %s", r.Body)
		}
		var d chat.ConversationView
		e.Must(200, "POST", "/api/v1/chat/conversations/"+g.ID+"/dissolve", w.tha, nil).JSON(t, &d)
		if d.ArchivedAt == nil {
			t.Fatal("not archived")
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+g.ID+"/messages", w.tha, map[string]any{"body": "x"}); key(t, r) != "chat.archived" {
			t.Fatalf("post after dissolve: %s", r.Body)
		}
		if p := w.messages(w.ta2, g.ID, ""); len(p.Items) != 2 {
			t.Fatalf("archive reads %d", len(p.Items))
		}
	})
}

func TestOrgGroupsFollowTheOrg(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		// Everyone active is in the all-staff group, where only admins post.
		staff := w.kind(w.admin, chat.KindAllStaff, "")
		if staff == nil || staff.MemberCount != 5 || staff.MyRole != chat.RoleOwner || staff.PostPolicy != chat.PolicyAdmins {
			t.Fatalf("all-staff %+v", staff)
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+staff.ID+"/messages", w.ta1, map[string]any{"body": "x"}); key(t, r) != "chat.post_forbidden" {
			t.Fatalf("member posts to all-staff: %s", r.Body)
		}
		if r := e.Do("POST", "/api/v1/chat/conversations/"+staff.ID+"/members", w.admin, map[string]any{"user_ids": []string{w.a1.ID}}); key(t, r) != "chat.org_managed" {
			t.Fatalf("hand-added to an org group: %s", r.Body)
		}
		ga := w.kind(w.ta1, chat.KindDepartment, w.deptA.ID)
		if ga == nil || ga.MemberCount != 3 || ga.Title != "研发部" {
			t.Fatalf("department group %+v", ga)
		}
		// A transfer moves a2 from A's group to B's.
		var u org.User
		e.Must(200, "GET", "/api/v1/users/"+w.a2.ID, w.admin, nil).JSON(t, &u)
		e.Must(200, "PATCH", "/api/v1/users/"+w.a2.ID, w.admin, map[string]any{"department_id": w.deptB.ID, "version": u.Version})
		if w.kind(w.ta2, chat.KindDepartment, w.deptA.ID) != nil || w.kind(w.ta2, chat.KindDepartment, w.deptB.ID) == nil {
			t.Fatalf("transfer not followed: %+v", w.convs(w.ta2))
		}
		// A sub-department's people join when the group includes sub-departments.
		sub := e.NewDepartment(w.admin, "前端组", w.deptA.ID, nil)
		s1, ts1 := e.NewUser(w.admin, sub.ID)
		if w.kind(ts1, chat.KindDepartment, w.deptA.ID) != nil {
			t.Fatal("sub-department person in the parent's group without include_sub")
		}
		ga = w.kind(w.tha, chat.KindDepartment, w.deptA.ID)
		if ga.MyRole != chat.RoleOwner {
			t.Fatalf("the head does not own the department group: %s", ga.MyRole)
		}
		e.Must(200, "PATCH", "/api/v1/chat/conversations/"+ga.ID, w.tha, map[string]any{"include_sub": true, "version": ga.Version})
		if w.kind(ts1, chat.KindDepartment, w.deptA.ID) == nil {
			t.Fatal("include_sub did not add the sub-department")
		}
		// Offboarding the head removes them everywhere and hands the group on.
		tg := w.group(w.tha, chat.KindTemporary, "临时", w.a1.ID, s1.ID)
		e.Must(200, "POST", "/api/v1/users/"+w.ha.ID+"/deactivate", w.admin, nil)
		for _, id := range []string{ga.ID, tg.ID, staff.ID} {
			var c chat.ConversationView
			e.Must(200, "GET", "/api/v1/chat/conversations/"+id, w.ta1, nil).JSON(t, &c)
			if slices.ContainsFunc(c.Members, func(m chat.Member) bool { return m.UserID == w.ha.ID }) {
				t.Fatalf("leaver still in %s", c.Name)
			}
			if id != staff.ID && (c.OwnerID == w.ha.ID || c.OwnerID == "") {
				t.Fatalf("ownership of %s not handed on: %q", c.Name, c.OwnerID)
			}
		}
		// Deleting a department archives its group (its people moved out first).
		e.Must(200, "GET", "/api/v1/users/"+s1.ID, w.admin, nil).JSON(t, &u)
		e.Must(200, "PATCH", "/api/v1/users/"+s1.ID, w.admin, map[string]any{"department_id": w.deptA.ID, "version": u.Version})
		var subGroup chat.Conversation
		if err := e.Server.DB.First(&subGroup, "department_id = ? AND kind = ?", sub.ID, chat.KindDepartment).Error; err != nil {
			t.Fatal(err)
		}
		e.Must(204, "DELETE", "/api/v1/departments/"+sub.ID, w.admin, nil)
		if err := e.Server.DB.First(&subGroup, "id = ?", subGroup.ID).Error; err != nil || subGroup.ArchivedAt == nil {
			t.Fatalf("deleted department's group not archived: %+v %v", subGroup, err)
		}
	})
}

func TestDeliveryToMembersOnly(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := newWorld(t, e)
		g := w.group(w.ta1, chat.KindTemporary, "交付", w.a2.ID, w.b1.ID)
		first := w.send(w.ta1, g.ID, map[string]any{"body": "一"})
		e.Must(204, "DELETE", "/api/v1/chat/conversations/"+g.ID+"/members/"+w.b1.ID, w.ta1, nil)
		second := w.send(w.ta1, g.ID, map[string]any{"body": "二"})
		// The replay a reconnecting stream gets (Last-Event-ID 0).
		replay := func(u org.User) map[string]bool {
			evs, err := e.Server.Notify.EventsAfter(context.Background(), u.ID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, ev := range evs {
				if ev.Type == event.ChatMessage {
					got[ev.Data["message_id"].(string)] = true
				}
			}
			return got
		}
		if r := replay(w.a2); !r[first.ID] || !r[second.ID] {
			t.Fatalf("a member's replay %v", r)
		}
		if r := replay(w.b1); !r[first.ID] || r[second.ID] {
			t.Fatalf("the removed member's replay %v", r)
		}
		if r := replay(w.ha); len(r) != 0 {
			t.Fatalf("an outsider's replay %v", r)
		}
		// Chat makes no notification rows: unread counts come from watermarks.
		var n int64
		if _, err := e.Server.Notify.NewDispatcher().RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.Server.DB.Model(&notify.Notification{}).Where("type LIKE ?", "chat.%").Count(&n)
		if n != 0 {
			t.Fatalf("%d chat notifications", n)
		}
	})
}
