package inquiry

import (
	"context"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// PageSettings is the public page as the administrator edits it.
type PageSettings struct {
	PracticeName string
	Slug         string
	Page         Page
}

func (s *Door) pageRef(a access.Actor) access.Ref {
	return access.Ref{Type: "practice_page", ID: a.PracticeID}
}

// LoadPageSettings reads the practice's page for its administrator.
func (s *Door) LoadPageSettings(ctx context.Context, a access.Actor) (PageSettings, error) {
	var ps PageSettings
	err := s.Access.Do(ctx, a, access.SettingsManage, s.pageRef(a), func(tx *store.Tx, _ access.Decision) error {
		if err := tx.QueryRow(ctx, `SELECT name, slug FROM practice WHERE id = ?`, a.PracticeID).Scan(&ps.PracticeName, &ps.Slug); err != nil {
			return err
		}
		var err error
		ps.Page, err = LoadPage(ctx, tx, a.PracticeID, ps.PracticeName)
		return err
	})
	return ps, err
}

// SavePage stores the practice's own words for its public page.
func (s *Door) SavePage(ctx context.Context, a access.Actor, p Page) error {
	return s.Access.Do(ctx, a, access.SettingsManage, s.pageRef(a), func(tx *store.Tx, _ access.Decision) error {
		if ps := p.Check(); len(ps) > 0 {
			return ps
		}
		if err := savePage(ctx, tx, a.PracticeID, a.StaffID, p, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settings.practice_page", "practice_page", a.PracticeID, "", "own text")
	})
}

// RestoreDefaultPage drops the practice's own text: the page shows
// holdspace's default again.
func (s *Door) RestoreDefaultPage(ctx context.Context, a access.Actor) error {
	return s.Access.Do(ctx, a, access.SettingsManage, s.pageRef(a), func(tx *store.Tx, _ access.Decision) error {
		if err := restoreDefault(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settings.practice_page", "practice_page", a.PracticeID, "", "default text restored")
	})
}
