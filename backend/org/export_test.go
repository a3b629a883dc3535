package org

// SessionCacheLive reports whether s's session cache may answer now.
func SessionCacheLive(s *Service) bool { return s.sessions.usable() }
