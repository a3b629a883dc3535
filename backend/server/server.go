package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	"tack/backend/api"
	"tack/backend/approval"
	"tack/backend/attendance"
	"tack/backend/audit"
	"tack/backend/chat"
	"tack/backend/clientupdate"
	"tack/backend/clock"
	"tack/backend/devices"
	"tack/backend/drive"
	"tack/backend/drive/blobstore"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/notify/notifyorg"
	"tack/backend/org"
	"tack/backend/report"
	"tack/backend/store"
	"tack/backend/workcal"
)

// Server is a built, migrated Tack instance.
type Server struct {
	Config   Config
	DB       *gorm.DB
	Clock    clock.Clock
	Org      *org.Service
	Meeting  *meeting.Service
	Approval *approval.Service
	Workcal  *workcal.Service
	Notify   *notify.Service
	Drive    *drive.Service
	Report   *report.Service
	Chat     *chat.Service
	// Attendance reacts to approvals (leave, trips, outings, 补卡) in their transaction.
	Attendance *attendance.Service
	handler    http.Handler
	jobs       []Job // background jobs: run by RoleAll and RoleJobs
	// local are what every replica needs for itself whatever its role
	// (event dispatcher, session-cache listener): see RunJobs.
	local []Job
	certs *certReloader // nil: plain HTTP
	// dispatchDB is the event dispatcher's own pool (closed with DB).
	dispatchDB *gorm.DB
}

// Job is a background loop (reminders, escalation, GC). It returns when ctx ends.
type Job interface {
	Serve(ctx context.Context) error
}

// JobFunc adapts a function to Job.
type JobFunc func(ctx context.Context) error

// Serve runs f.
func (f JobFunc) Serve(ctx context.Context) error { return f(ctx) }

// Migrations is every package's schema, in dependency order. Add a package's
// list at the end; never reorder.
func Migrations() []store.Migration {
	var all []store.Migration
	all = append(all, org.Migrations()...)
	all = append(all, audit.Migrations()...)
	all = append(all, notify.Migrations()...)
	all = append(all, meeting.Migrations()...)
	all = append(all, approval.Migrations()...)
	all = append(all, drive.Migrations()...)
	all = append(all, devices.Migrations()...)
	all = append(all, workcal.Migrations()...)
	all = append(all, report.Migrations()...)
	all = append(all, chat.Migrations()...)
	all = append(all, attendance.Migrations()...)
	return all
}

// New opens the store, migrates it and builds the services. ui is the built
// frontend (nil to serve a notice). clk is the clock (nil for the real one).
func New(ctx context.Context, cfg Config, ui fs.FS, clk clock.Clock) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if clk == nil {
		clk = clock.Real{}
	}
	db, err := store.Open(ctx, store.Config{DSN: cfg.DSN, DataDir: cfg.DataDir, MaxConns: cfg.DBConns})
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(db, Migrations()); err != nil {
		_ = store.Close(db)
		return nil, err
	}
	s := &Server{Config: cfg, DB: db, Clock: clk}
	if cfg.TLSCert != "" {
		if s.certs, err = newCertReloader(cfg.TLSCert, cfg.TLSKey); err != nil {
			_ = store.Close(db)
			return nil, err
		}
	}
	if s.Workcal, err = workcal.NewService(db, clk, ""); err != nil {
		_ = store.Close(db)
		return nil, err
	}
	s.Org = org.NewService(db, clk)
	s.Org.SetSessionLifetime(cfg.SessionLifetime)
	s.Org.SetPasswordCost(cfg.PasswordCost)
	// The drive first: approvals and meetings keep their files in it, and
	// each service gets what it uses from the others in its constructor.
	blobs, err := blobstore.OpenSpec(cfg.Blobs, filepath.Join(cfg.DataDir, "drive"), cfg.S3)
	if err == nil && cfg.BlobsFallback != "" {
		var old blobstore.Store
		if old, err = blobstore.OpenSpec(cfg.BlobsFallback, filepath.Join(cfg.DataDir, "drive"), cfg.S3); err == nil {
			blobs = blobstore.Fallback{New: blobs, Old: old}
		}
	}
	if err != nil {
		_ = store.Close(db)
		return nil, err
	}
	s.Drive = drive.NewService(db, clk, s.Org, blobs, cfg.Drive)
	s.Org.OnDepartmentChanged(s.Drive.OnDepartmentChanged)
	if s.Approval, err = approval.NewService(db, clk, s.Org, s.Workcal.Location().String(), approval.Deps{Files: s.Drive}); err != nil { // one company zone
		_ = store.Close(db)
		return nil, err
	}
	if err := s.Approval.EnsureBuiltins(ctx); err != nil {
		_ = store.Close(db)
		return nil, err
	}
	s.Meeting = meeting.NewService(db, clk, s.Org, meeting.Deps{Publisher: s.Drive, Sharer: s.Drive,
		WorkCalendar: s.Workcal})
	s.AddJob(meeting.Job{S: s.Meeting})
	s.Org.OnDeactivate(s.Meeting.OnUserDeactivated)
	s.AddJob(approval.Job{S: s.Approval})
	s.Org.OnDeactivate(s.Approval.OnUserDeactivated)
	s.Attendance = attendance.NewService(db, clk, s.Workcal.Location())
	s.AddJob(attendance.Job{S: s.Attendance})
	if err := s.Attendance.EnsureDefaults(ctx); err != nil {
		_ = store.Close(db)
		return nil, err
	}
	s.Attendance.Hooks(s.Approval)
	s.Notify = notify.NewService(db, clk, notifyorg.Directory{Org: s.Org}, notify.Config{DSN: cfg.DSN,
		WorkHours: s.Workcal.InWorkingHours, Location: s.Workcal.Location()})
	s.Notify.SetSubjectAccess("approval", notifyorg.Approvals{Org: s.Org, Approval: s.Approval})
	s.Notify.SetSubjectAccess("meeting", notifyorg.Meetings{Org: s.Org, Meeting: s.Meeting})
	// The dispatcher gets its own two connections: under load it must not
	// wait in the request pool's queue to deliver what those requests emit.
	disp := s.Notify.NewDispatcher()
	if disp.DB, err = store.Open(ctx, store.Config{DSN: cfg.DSN, DataDir: cfg.DataDir, WritesFirst: true}); err != nil {
		_ = store.Close(db)
		return nil, err
	}
	if pool, err := disp.DB.DB(); err == nil {
		// On PostgreSQL a third holds the write lease while this replica
		// writes the notifications (notify/dispatcher.go).
		pool.SetMaxOpenConns(2 + btoi(store.IsPostgres(db)))
	}
	s.dispatchDB = disp.DB
	s.local = append(s.local, disp)
	if store.IsPostgres(db) && cfg.servesRequests() {
		// The session cache answers only while this listener is live.
		s.local = append(s.local, org.SessionListener{S: s.Org, DSN: cfg.DSN})
	}
	s.AddJob(notify.EscalationJob{S: s.Notify})
	s.AddJob(notify.EmailJob{S: s.Notify})
	s.AddJob(drive.Job{S: s.Drive})
	s.Report = report.NewService(db, clk, s.Org, s.Workcal, report.Deps{Leaves: s.Approval, Activity: []report.Activity{s.Approval, s.Meeting}, Files: s.Drive})
	if err := s.Report.EnsureBuiltins(ctx); err != nil {
		_ = store.Close(db)
		return nil, err
	}
	s.AddJob(report.Job{S: s.Report})
	// Chat's org groups follow users and departments.
	s.Chat = chat.NewService(db, clk, s.Org)
	s.Org.OnUserChanged(s.Chat.OnUserChanged)
	s.Org.OnDeactivate(s.Chat.OnUserDeactivated)
	s.Org.OnDepartmentChanged(s.Chat.OnDepartmentChanged)
	s.Org.OnDepartmentDeleted(s.Chat.OnDepartmentDeleted)
	s.Chat.SetDinger(s.Notify)
	s.Chat.SetFiles(s.Drive) // files sent in chat live in the drive
	s.AddJob(chat.RetentionJob{S: s.Chat})
	// A group's messages during someone's meeting reach them as one summary.
	s.Chat.SetMeetings(chat.MeetingsFunc(func(ctx context.Context, from, to time.Time) ([]chat.Sitting, error) {
		ss, err := s.Meeting.Ended(ctx, from, to)
		out := make([]chat.Sitting, len(ss))
		for i, x := range ss {
			out[i] = chat.Sitting{Key: x.MeetingID + "@" + x.OriginalStart.UTC().Format(time.RFC3339), Start: x.Start, End: x.End, People: x.People}
		}
		return out, err
	}))
	s.AddJob(chat.BusyJob{S: s.Chat})
	s.Notify.SetSubjectAccess("chat", s.Chat.DingAccess())
	s.handler = api.NewRouter(api.Deps{
		DB:         db,
		Org:        s.Org,
		Meeting:    s.Meeting,
		Approval:   s.Approval,
		Workcal:    s.Workcal,
		Notify:     s.Notify,
		Drive:      s.Drive,
		Devices:    devices.NewService(db, clk),
		Report:     s.Report,
		Chat:       s.Chat,
		Attendance: s.Attendance,
		UI:         ui,
		Version:    cfg.Version,
		Clients:    &clientupdate.Catalog{Dir: cfg.ClientsDir},

		TrustedProxies:  cfg.TrustedProxies,
		MaxEventStreams: cfg.MaxEventStreams, MaxEventStreamsPerUser: cfg.MaxEventStreamsPerUser,
		MaxWrites: cfg.MaxWrites, WriteQueue: cfg.WriteQueue,
	})
	if !cfg.servesRequests() {
		s.handler = healthOnly(s.handler)
	}
	return s, nil
}

// Handler is the HTTP handler (API + UI), for httptest and the desktop AssetServer.
func (s *Server) Handler() http.Handler { return s.handler }

// Wrap puts mw in front of the handler; call it before Serve (the desktop's
// workspace server admits only its own loopback Host this way).
func (s *Server) Wrap(mw func(http.Handler) http.Handler) { s.handler = mw(s.handler) }

// AddJob registers a background job; call before Run. A replica whose
// Config.Role is RoleWeb does not run it.
func (s *Server) AddJob(j Job) { s.jobs = append(s.jobs, j) }

// RunJobs runs the background jobs until ctx ends (none on a RoleWeb
// replica), and on every replica the event dispatcher: it feeds this
// process's live streams, so a web replica needs it for its streams, and
// whichever replica holds its write lease (any role) turns the events into
// notifications, so notifications go on while any replica runs.
func (s *Server) RunJobs(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.running() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := j.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
				slog.Error("server: job stopped", "err", err)
			}
		}()
	}
	wg.Wait()
}

// running is what RunJobs runs for this replica's role.
func (s *Server) running() []Job {
	if !s.Config.runsJobs() {
		return s.local
	}
	return append(slices.Clip(s.local), s.jobs...)
}

// Listen binds the configured address, with TLS when a certificate is
// configured. Separate from Serve so callers can print the real URL (port 0
// picks a free port) before serving.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		return nil, fmt.Errorf("server: listen %s: %w", s.Config.Addr, err)
	}
	if s.certs != nil {
		ln = tls.NewListener(ln, s.certs.tlsConfig())
	}
	return ln, nil
}

// Scheme is "https" when the server speaks TLS, else "http".
func (s *Server) Scheme() string {
	if s.certs != nil {
		return "https"
	}
	return "http"
}

// Serve serves HTTP on ln and runs the jobs until ctx ends, then shuts down
// gracefully: in-flight requests get 10 seconds to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { s.RunJobs(jobsCtx); close(jobsDone) }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	stopJobs()
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	<-jobsDone
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("server: serve: %w", serveErr)
	}
	return nil
}

// Close releases the database.
func (s *Server) Close() error {
	if s.Notify != nil {
		s.Notify.Close() // hand the dispatcher's write lease on at once
	}
	if s.dispatchDB != nil {
		_ = store.Close(s.dispatchDB)
	}
	return store.Close(s.DB)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
