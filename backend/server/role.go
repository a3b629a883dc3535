package server

import (
	"fmt"
	"net/http"
)

// Roles of a replica (tack serve --role). A deployment with several
// replicas on PostgreSQL can keep its request-serving replicas free of the
// background jobs (reminders, escalation, email, drive GC, the attendance
// days job, report reminders) by running them as "web" and one or two more
// as "jobs". The jobs guard their once-only work with advisory locks and
// marker columns, so two "jobs" (or "all") replicas are safe, just not
// useful beyond failover.
const (
	RoleAll  = "all"
	RoleWeb  = "web"
	RoleJobs = "jobs"
)

func (c *Config) validateRole() error {
	switch c.Role {
	case "":
		c.Role = RoleAll
	case RoleAll, RoleWeb, RoleJobs:
	default:
		return fmt.Errorf("server: --role %q: want web, jobs or all", c.Role)
	}
	return nil
}

// runsJobs reports whether this replica runs the background jobs.
func (c Config) runsJobs() bool { return c.Role != RoleWeb }

// servesRequests reports whether this replica serves the UI and the API.
func (c Config) servesRequests() bool { return c.Role != RoleJobs }

// healthOnly is the handler of a jobs replica: the balancer's (or the
// operator's) health checks, and a clear refusal for everything else, so
// a jobs replica put behind the balancer by mistake fails its requests
// loudly instead of half-working.
func healthOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/healthz" || r.URL.Path == "/api/v1/readyz" {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":"not_found","key":"route_not_found","message":"this replica runs background jobs only (tack serve --role jobs)"}}` + "\n"))
	})
}
