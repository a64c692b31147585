package syncbuf

import (
	"strings"
	"sync"
	"testing"
)

func TestWritesFromManyGoroutinesAreAllKept(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 50 {
				b.Write([]byte("x"))
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if got := b.String(); got != strings.Repeat("x", 1000) {
		t.Fatalf("kept %d bytes, want 1000", len(got))
	}
}
