package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"tack/backend/syncagent"
)

// Sync is the desktop facade of the folder sync engine, bound to the window
// (window.go.app.Sync.*). Each method is one line over the engine; the
// settings view (frontend/src/views/sync) and the tray use it. The engine is
// started by the desktop lifecycle with Serve(ctx) and closed on shutdown.
type Sync struct {
	configDir string // where sync.json (SyncPrefs) lives

	mu     sync.Mutex
	ctx    context.Context
	engine *syncagent.Engine
	picked pickedFolder // the folder last chosen in the native chooser
	// confirm asks the user in a native dialog (App.confirm); nil refuses
	// everything that needs it.
	confirm func(titleKey, bodyKey string, args ...any) bool
	// hasPairs is told when pairs are known to exist (an engine started
	// with some, a pair added): start at login defaults to on then.
	hasPairs func()
}

// NewSync is the facade with no engine yet (the sync agent sets it);
// preferences are kept in configDir.
func NewSync(configDir string) *Sync {
	return &Sync{configDir: configDir}
}

// setEngine swaps the engine the facade drives (nil: none is running, e.g.
// signed out). ctx is the engine's context.
func (s *Sync) setEngine(ctx context.Context, engine *syncagent.Engine) {
	s.mu.Lock()
	s.ctx, s.engine = ctx, engine
	s.mu.Unlock()
	if engine != nil && s.hasPairs != nil {
		if len(engine.Pairs()) > 0 {
			s.hasPairs()
		}
	}
}

// current is the running engine and its context, or errNoEngine.
func (s *Sync) current() (context.Context, *syncagent.Engine, error) {
	if s == nil {
		return nil, nil, errNoEngine
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine == nil {
		return nil, nil, errNoEngine
	}
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return ctx, s.engine, nil
}

// AddPairRequest is what the settings form sends.
type AddPairRequest struct {
	LocalPath      string `json:"local_path"`
	SpaceID        string `json:"space_id"`
	RemoteFolderID string `json:"remote_folder_id"`
	Mode           string `json:"mode"` // backup | two-way | mirror
}

// SyncOverview is the status of every pair plus the overall state for the tray.
type SyncOverview struct {
	Overall syncagent.State        `json:"overall"`
	Pairs   []syncagent.PairStatus `json:"pairs"`
}

var errNoEngine = errors.New("sync: the sync engine is not running")

// ListPairs lists the configured pairs.
func (s *Sync) ListPairs() ([]syncagent.Pair, error) {
	_, e, err := s.current()
	if err != nil {
		return nil, err
	}
	return e.Pairs(), nil
}

// AddPair starts syncing a local folder with a drive folder. The local
// folder must be the one the user just chose with App.PickFolder.
func (s *Sync) AddPair(req AddPairRequest) (syncagent.Pair, error) {
	ctx, e, err := s.current()
	if err != nil {
		return syncagent.Pair{}, err
	}
	if !s.picked.is(req.LocalPath, time.Now()) {
		return syncagent.Pair{}, errFolderNotPicked
	}
	p, err := e.AddPair(ctx, syncagent.Pair{LocalPath: req.LocalPath, SpaceID: req.SpaceID, RemoteFolderID: req.RemoteFolderID, Mode: syncagent.Mode(req.Mode)})
	if err == nil {
		s.picked.forget()
		if s.hasPairs != nil {
			s.hasPairs()
		}
	}
	return p, err
}

// RemovePair stops syncing a pair; no file is deleted on either side.
func (s *Sync) RemovePair(id string) error {
	ctx, e, err := s.current()
	if err != nil {
		return err
	}
	return e.RemovePair(ctx, id)
}

// PausePair pauses a pair ("" = every pair, for the tray).
func (s *Sync) PausePair(id string) error {
	return s.each(id, func(e *syncagent.Engine) func(context.Context, string) error { return e.Pause })
}

// ResumePair resumes a pair ("" = every pair).
func (s *Sync) ResumePair(id string) error {
	return s.each(id, func(e *syncagent.Engine) func(context.Context, string) error { return e.Resume })
}

// ConfirmDeletes lets a held mass delete go ahead.
// The user confirms in a native dialog first (confirm.go).
func (s *Sync) ConfirmDeletes(id string) error {
	_, e, err := s.current()
	if err != nil {
		return err
	}
	st, ok := pairStatus(e, id)
	if !ok || s.confirm == nil || !s.confirm("confirm.deletes", "confirm.deletes.body", st.PendingDelete, st.LocalPath) {
		return errNotConfirmed
	}
	return e.ConfirmDeletes(id)
}

// pairStatus is the status of pair id ("" or unknown: not ok).
func pairStatus(e *syncagent.Engine, id string) (syncagent.PairStatus, bool) {
	for _, st := range e.Status() {
		if st.PairID == id {
			return st, true
		}
	}
	return syncagent.PairStatus{}, false
}

// ConfirmOverwrites lets a held mass overwrite go up (as new versions).
func (s *Sync) ConfirmOverwrites(id string) error {
	_, e, err := s.current()
	if err != nil {
		return err
	}
	st, ok := pairStatus(e, id)
	if !ok || s.confirm == nil || !s.confirm("confirm.overwrites", "confirm.overwrites.body", st.PendingOverwrite, st.LocalPath) {
		return errNotConfirmed
	}
	return e.ConfirmOverwrites(id)
}

// SyncStatus returns every pair's status and the overall state.
func (s *Sync) SyncStatus() (SyncOverview, error) {
	_, e, err := s.current()
	if err != nil {
		return SyncOverview{}, err
	}
	// Status is never nil: the window reads pairs as a list, and null (no
	// pair yet) once blanked the page.
	return SyncOverview{Overall: e.Overall(), Pairs: e.Status()}, nil
}

// Preferences returns this computer's sync preferences (they can be read and
// changed while no engine runs).
func (s *Sync) Preferences() (SyncPrefs, error) {
	return LoadSyncPrefs(s.configDir)
}

// SetBandwidthLimit saves the speed limit (KiB/s, 0 = none) and applies it to
// the running engine at once; transfers in flight slow down or speed up.
func (s *Sync) SetBandwidthLimit(kbps int64) error {
	p, err := LoadSyncPrefs(s.configDir)
	if err != nil {
		return err
	}
	p.BandwidthKBps = kbps
	if err := SaveSyncPrefs(s.configDir, p); err != nil {
		return err
	}
	if _, e, err := s.current(); err == nil {
		e.SetBandwidthLimit(p.bytesPerSec())
	}
	return nil
}

func (s *Sync) each(id string, method func(*syncagent.Engine) func(context.Context, string) error) error {
	ctx, e, err := s.current()
	if err != nil {
		return err
	}
	fn := method(e)
	if id != "" {
		return fn(ctx, id)
	}
	var errs []error
	for _, p := range e.Pairs() {
		errs = append(errs, fn(ctx, p.ID))
	}
	return errors.Join(errs...)
}
