package store

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkRawFsyncInsert is the disk's limit that group commit is measured against
// (DESIGN.md §9): one small row per transaction, with the durability intake has
// (WAL, synchronous=FULL), through the same driver and settings as the store.
func BenchmarkRawFsyncInsert(b *testing.B) {
	s, err := openSQLite(context.Background(), filepath.Join(b.TempDir(), "raw.db"), false, "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.w.Exec("CREATE TABLE raw (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.w.Exec("INSERT INTO raw (v) VALUES (?)", "一行"); err != nil {
			b.Fatal(err)
		}
	}
}
