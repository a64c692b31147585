package consent_test

import (
	"os"
	"path/filepath"
	"testing"
)

// dumpDir is where tests leave what they drew for a person to look at,
// when PAGES_DUMP names a folder.
func dumpDir() string { return os.Getenv("PAGES_DUMP") }

func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
