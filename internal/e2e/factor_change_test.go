package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/access"
	"holdspace/internal/demo"
	"holdspace/internal/store"
)

// TestTheOwnerChangesTheirAuthenticatorWithACodeFromTheOldOne walks what an
// owner does to move to a new phone: the set-up page asks for a code from
// the current authenticator as well as one from the new, refuses without
// it (keeping the new code typed), and then swaps, so that only the new app
// signs in afterwards. At a phone's, a tablet's and a desktop's width.
func TestTheOwnerChangesTheirAuthenticatorWithACodeFromTheOldOne(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		for _, width := range []int{390, 820, 1280} {
			t.Run(fmt.Sprint(width), func(t *testing.T) {
				// Each width starts from the demo's own key.
				ctx := context.Background()
				if err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
					var id string
					if err := tx.QueryRow(ctx, `SELECT id FROM account WHERE email = 'owner@stillwater.example'`).Scan(&id); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `UPDATE account SET totp_last_step = 0, failed_attempts = 0, locked_until = NULL WHERE id = ?`, id); err != nil {
						return err
					}
					return access.SetTOTP(ctx, tx, s.App.Keys, id, demo.OwnerTOTPKey)
				}); err != nil {
					t.Fatal(err)
				}
				b := signedIn(t, s, "owner@stillwater.example", demo.OwnerTOTPKey, withWindow(width, 900))
				visit(t, b, s.at("/account/mfa/setup"))
				waitText(t, b, "Change your second step for signing in")
				secret := strings.TrimSpace(textOf(t, b, "#totp-secret"))
				screenshot(t, b, "change-second-step")
				// Without the old code: refused, the new code kept.
				newCode := access.TOTPCode(secret, s.now())
				fill(t, b, "Code from the new app", newCode)
				clickButton(t, b, "Confirm")
				waitText(t, b, "Type a code from your current second step")
				screenshot(t, b, "refused-without-the-old-code")
				// With a code from the old app (the step after the one used
				// to sign in, which was spent).
				// Two forms ask for the current code (replace, remove): this
				// one is the authenticator form's.
				if err := chromedp.Do(b, chromedp.SetValue(chromedp.CSS("#f-current-totp"), access.TOTPCode(demo.OwnerTOTPKey, s.now().Add(30*time.Second)))); err != nil {
					t.Fatal(err)
				}
				fill(t, b, "Code from the new app", newCode)
				clickButton(t, b, "Confirm")
				waitText(t, b, "Your authenticator app is set up.")
				codes := regexp.MustCompile(`\b[0-9a-z]{5}-[0-9a-z]{5}\b`).FindAllString(textOf(t, b, "main"), -1)
				if len(codes) != 10 {
					t.Fatalf("%d new recovery codes shown; want 10", len(codes))
				}
				if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'mfa.replace' AND outcome = 'allowed'`); n < 1 {
					t.Fatal("the replacement is not on the trail")
				}
			})
		}
	})
}

// TestStaffReadTheHazardLog: the clinical hazard log is a page staff can
// read, with a row for the gate the booking form links to.
func TestStaffReadTheHazardLog(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		for _, width := range []int{390, 820, 1280} {
			t.Run(fmt.Sprint(width), func(t *testing.T) {
				b := signedIn(t, s, "therapist@stillwater.example", "", withWindow(width, 900))
				visit(t, b, s.at("/hazards#booking-gate"))
				waitText(t, b, "clinical rules and their controls")
				if n := count(t, b, "table.hazards tbody tr"); n < 1 {
					t.Fatal("the hazard log shows no rows")
				}
				if n := count(t, b, "tr#booking-gate"); n != 1 {
					t.Fatal("no row for the booking gate, which the booking form links to")
				}
				screenshot(t, b, "hazards")
			})
		}
	})
}
