package meeting

// SetPublisher replaces the drive publisher of a running server's service,
// so a test can watch or fail what publishing minutes sends.
func SetPublisher(s *Service, p DocumentPublisher) { s.publisher = p }
