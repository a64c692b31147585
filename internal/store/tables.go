package store

import (
	"context"
	"fmt"
	"slices"
)

// migrationTable is goose's own bookkeeping; backups carry the schema
// version in their header instead of its rows.
const migrationTable = "goose_db_version"

// tablesInOrder lists holdspace's tables so that every table comes after
// the tables it references: the order to insert rows in.
func tablesInOrder(ctx context.Context, tx *Tx) ([]string, error) {
	names, err := tx.Strings(ctx, tx.d.tablesSQL())
	if err != nil {
		return nil, err
	}
	var tables []string
	for _, name := range names {
		if name != migrationTable && name != "goose_lock" {
			tables = append(tables, name)
		}
	}
	refs := map[string][]string{}
	rows, err := tx.Query(ctx, tx.d.referencesSQL())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			rows.Close()
			return nil, err
		}
		if child != parent {
			refs[child] = append(refs[child], parent)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return topoSort(tables, refs)
}

func topoSort(tables []string, refs map[string][]string) ([]string, error) {
	const (
		unseen = iota
		visiting
		done
	)
	state := map[string]int{}
	var out []string
	var visit func(string) error
	visit = func(t string) error {
		switch state[t] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("tables reference each other in a cycle through %s", t)
		}
		state[t] = visiting
		parents := slices.Clone(refs[t])
		slices.Sort(parents)
		for _, p := range parents {
			if slices.Contains(tables, p) {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[t] = done
		out = append(out, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
