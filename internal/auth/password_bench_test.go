package auth

import "testing"

// BenchmarkHashPassword is what a sign-in's hash costs the server, with its garbage
// collection: sign-ins queue for the hasher one at a time, so it also bounds how many
// a second one server signs in.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("Onedoor@2026"); err != nil {
			b.Fatal(err)
		}
	}
}
