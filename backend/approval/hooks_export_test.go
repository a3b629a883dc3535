package approval

// SetAssignHooks installs the test hooks of Submit, Transfer and
// AddApprover (see Service); nil clears one. Set them before the calls.
func (s *Service) SetAssignHooks(read, locked func()) {
	s.testAssigneesRead, s.testAssigneesLocked = read, locked
}
