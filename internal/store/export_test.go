package store

import "context"

// ReencodeVersion is the re-encoding migration's version, for tests that
// build a database as it stood just before it.
const ReencodeVersion = reencodeVersion

// MigrateUpTo applies the migrations up to and including version, so a
// test can write rows as an older holdspace would have.
func (db *DB) MigrateUpTo(ctx context.Context, version int64) (int, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.UpTo(ctx, version)
	return len(res), err
}
