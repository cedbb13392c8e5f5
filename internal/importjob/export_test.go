package importjob

import "time"

// SetClock makes the service read the time from now.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
