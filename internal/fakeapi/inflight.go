package fakeapi

// Concurrency seen by the fake: how many requests a client had in flight at most,
// the figure a rate-limited gateway cares about.

// enter counts a request as in flight and returns the function that ends it.
func (s *Server) enter() func() {
	n := s.inFlight.Add(1)
	for {
		peak := s.peakInFlight.Load()
		if n <= peak || s.peakInFlight.CompareAndSwap(peak, n) {
			break
		}
	}
	return func() { s.inFlight.Add(-1) }
}

// PeakInFlight is the largest number of requests served at once since the fake
// started or ResetRequests was last called.
func (s *Server) PeakInFlight() int {
	return int(s.peakInFlight.Load())
}
