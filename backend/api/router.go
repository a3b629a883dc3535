package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"gorm.io/gorm"

	"tack/backend/approval"
	"tack/backend/attendance"
	"tack/backend/chat"
	"tack/backend/clientupdate"
	"tack/backend/devices"
	"tack/backend/drive"
	"tack/backend/meeting"
	"tack/backend/notify"
	"tack/backend/org"
	"tack/backend/report"
	"tack/backend/workcal"
)

// Deps are the services the handlers call. Each domain adds its service here
// and registers its routes in NewRouter.
type Deps struct {
	DB         *gorm.DB // for healthz only; handlers never query directly
	Org        *org.Service
	Meeting    *meeting.Service
	Approval   *approval.Service
	Workcal    *workcal.Service
	Notify     *notify.Service
	Drive      *drive.Service
	Devices    *devices.Service
	Report     *report.Service
	Chat       *chat.Service
	Attendance *attendance.Service
	UI         fs.FS // built frontend (index.html at its root); nil serves a notice
	Version    string

	// Clients are the desktop client builds offered for download and
	// update (tack serve --clients); an empty Dir offers none.
	Clients *clientupdate.Catalog

	// TrustedProxies are the reverse proxies whose X-Forwarded-For,
	// -Proto and -Host are believed (see clientIP); none by default.
	TrustedProxies []netip.Prefix
	// MaxEventStreamsPerUser and MaxEventStreams cap the open event
	// streams of this process (0 = the defaults).
	MaxEventStreamsPerUser, MaxEventStreams int
	// MaxWrites is how many authenticated writes run in handlers at once
	// (0: 4 per CPU, at least 8; negative: no limit) and WriteQueue how many
	// more wait for a turn (0: twice MaxWrites) before a 503 (admission.go).
	MaxWrites, WriteQueue int
}

// Handler holds the dependencies of every route.
type Handler struct {
	deps    Deps
	streams *streamLimiter
	writes  *writeGate
}

// NewRouter returns the HTTP handler for the API and the UI.
func NewRouter(deps Deps) http.Handler {
	h := &Handler{deps: deps, streams: newStreamLimiter(deps.MaxEventStreamsPerUser, deps.MaxEventStreams),
		writes: newWriteGate(deps.MaxWrites, deps.WriteQueue)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/healthz", h.healthz)
	mux.HandleFunc("GET /api/v1/readyz", h.readyz)
	h.orgRoutes(mux)
	// Domain route groups are registered here, one line each:
	h.meetingRoutes(mux)
	h.approvalRoutes(mux)
	h.workcalRoutes(mux)
	h.notifyRoutes(mux)
	h.driveRoutes(mux)
	h.syncDeviceRoutes(mux)
	h.reportRoutes(mux)
	h.clientDownloadRoutes(mux)
	h.chatRoutes(mux)
	h.chatFileRoutes(mux)
	h.chatGroupRoutes(mux)
	h.attendanceRoutes(mux)
	h.attendanceRotaRoutes(mux)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{Error: errorDetail{Code: "not_found", Key: "route_not_found", Message: "no such API route"}})
	})
	mux.Handle("/", uiHandler(deps.UI))
	return logged(h.secured(compressed(mux)))
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if sqlDB, err := h.deps.DB.DB(); err != nil || sqlDB.PingContext(r.Context()) != nil {
		status, code = "database unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]string{"status": status, "version": h.deps.Version})
}

// readyz is the load balancer's readiness check: the database and the
// drive's blob store (a directory, or the S3 bucket every replica shares)
// both answer. healthz stays the cheaper liveness check.
func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	out, code := map[string]string{"status": "ok", "database": "ok", "blobs": "ok", "version": h.deps.Version}, http.StatusOK
	if sqlDB, err := h.deps.DB.DB(); err != nil || sqlDB.PingContext(ctx) != nil {
		out["status"], out["database"], code = "unavailable", "unavailable", http.StatusServiceUnavailable
	}
	if err := h.deps.Drive.Blobs().Ping(ctx); err != nil {
		slog.Warn("readyz: blob store", "err", err)
		out["status"], out["blobs"], code = "unavailable", "unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, code, out)
}
