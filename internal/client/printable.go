package client

// Printable returns s with every non-printable character replaced (newlines and
// tabs become spaces), for programs that print what a server sent to a terminal:
// the same sanitising the client applies to error bodies.
func Printable(s string) string { return printable(s) }
