package inquiry

import (
	"context"
	"database/sql"
	"errors"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// ConvertInput is the new client as staff confirm it from the inquiry.
type ConvertInput struct {
	LegalName     string `json:"legal_name"`
	PreferredName string `json:"preferred_name"`
	DateOfBirth   string `json:"date_of_birth"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	TherapistID   string `json:"therapist_id"`
	PrescriberID  string `json:"prescriber_id"`
}

// Check tidies the input and says what is wrong with it. now is the
// practice's today, for the date of birth.
func (in *ConvertInput) Check(now time.Time) access.Problems {
	var ps access.Problems
	in.LegalName, in.PreferredName = oneLine(in.LegalName), oneLine(in.PreferredName)
	in.DateOfBirth, in.Phone = oneLine(in.DateOfBirth), oneLine(in.Phone)
	in.Email = access.NormaliseEmail(in.Email)
	in.TherapistID, in.PrescriberID = oneLine(in.TherapistID), oneLine(in.PrescriberID)
	switch {
	case in.LegalName == "":
		ps = append(ps, &access.Problem{Field: "legal_name", Message: "Give the client's legal name, as on their ID and insurance."})
	case utf8.RuneCountInString(in.LegalName) > maxName:
		ps = append(ps, &access.Problem{Field: "legal_name", Message: "Keep the legal name to 200 characters."})
	}
	if utf8.RuneCountInString(in.PreferredName) > maxName {
		ps = append(ps, &access.Problem{Field: "preferred_name", Message: "Keep the preferred name to 200 characters."})
	}
	if in.DateOfBirth != "" {
		dob, err := time.Parse(time.DateOnly, in.DateOfBirth)
		switch {
		case err != nil:
			ps = append(ps, &access.Problem{Field: "date_of_birth", Message: "Give the date of birth as year-month-day, such as 1988-04-12."})
		case !dob.Before(now), dob.Year() < 1900:
			ps = append(ps, &access.Problem{Field: "date_of_birth", Message: "That date of birth cannot be right; check the year."})
		}
	}
	if p := checkEmail("email", in.Email, "Give the client's email address, such as name@example.org: the portal invitation goes there."); p != nil {
		ps = append(ps, p)
	}
	if in.Phone != "" && !plausiblePhone(in.Phone) {
		ps = append(ps, &access.Problem{Field: "phone", Message: "Give a phone number of 7 to 15 digits, such as +1 555 010 1234."})
	}
	if in.TherapistID == "" {
		ps = append(ps, &access.Problem{Field: "therapist_id", Message: "Choose the client's therapist."})
	}
	if in.PrescriberID == "" {
		ps = append(ps, &access.Problem{Field: "prescriber_id", Message: "Choose the client's prescriber."})
	}
	return ps
}

// Convert makes the inquiry a client: the client record, the care team
// (therapist and prescriber), a portal account and its emailed
// invitation, all in one transaction with the inquiry's link to the new
// client. If any part fails, nothing is written.
func (s *Door) Convert(ctx context.Context, a access.Actor, id string, in ConvertInput) (clientID string, err error) {
	defer s.mailQueued()
	err = s.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client"}, func(tx *store.Tx, _ access.Decision) error {
		// Taking on a client from the queue needs both: the inquiry is
		// read and changed as well as the client made.
		if _, err := s.Access.Authorize(ctx, tx, a, access.InquiryManage, access.Ref{Type: "inquiry", ID: id}); err != nil {
			return err
		}
		var err error
		clientID, err = ConvertTx(ctx, tx, s.Access, a, id, in, s.now())
		return err
	})
	return clientID, err
}

// ConvertTx is Convert inside a transaction the caller opened with access
// already decided (ClientCreate and InquiryManage).
func ConvertTx(ctx context.Context, tx *store.Tx, acc *access.Service, a access.Actor, id string, in ConvertInput, now time.Time) (string, error) {
	q, err := Load(ctx, tx, a.PracticeID, id)
	if err != nil {
		return "", err
	}
	if q.Status == Converted {
		return "", &Conflict{"This inquiry has already become a client."}
	}
	loc, err := access.PracticeZone(ctx, tx, a.PracticeID)
	if err != nil {
		return "", err
	}
	// The client starts in the practice's zone until they say otherwise.
	zone := loc.String()
	today := now.In(loc)
	if ps := in.Check(today); len(ps) > 0 {
		return "", ps
	}
	var ps access.Problems
	for _, m := range []struct{ field, staffID, role, msg string }{
		{"therapist_id", in.TherapistID, "therapist", "Choose a therapist of this practice."},
		{"prescriber_id", in.PrescriberID, "prescriber", "Choose a prescriber of this practice."},
	} {
		ok, err := holdsRole(ctx, tx, a.PracticeID, m.staffID, m.role)
		if err != nil {
			return "", err
		}
		if !ok {
			ps = append(ps, &access.Problem{Field: m.field, Message: m.msg})
		}
	}
	if len(ps) > 0 {
		return "", ps
	}
	clientID := store.NewID()
	if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, preferred_name, date_of_birth, email, phone, time_zone, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, clientID, a.PracticeID, in.LegalName, in.PreferredName, in.DateOfBirth, in.Email, in.Phone, zone, now); err != nil {
		return "", err
	}
	log := func(action, recordType, recordID, reason string) error {
		return audited(ctx, tx, a, now, action, recordType, recordID, clientID, reason)
	}
	if err := log("client.create", "client", clientID, "from inquiry "+id); err != nil {
		return "", err
	}
	for _, m := range [][2]string{{in.TherapistID, "therapist"}, {in.PrescriberID, "prescriber"}} {
		if _, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, ?, ?)`, clientID, m[0], m[1], now); err != nil {
			return "", err
		}
		if err := log("care_team.add", "care_team", m[0], m[1]); err != nil {
			return "", err
		}
	}
	accountID, err := access.CreateAccount(ctx, tx, a.PracticeID, "client", clientID, in.Email, now)
	if err != nil {
		return "", err
	}
	if err := acc.SendInvitation(ctx, tx, a, accountID); err != nil {
		return "", err
	}
	if err := MarkConverted(ctx, tx, a.PracticeID, id, clientID, a.StaffID, now); err != nil {
		return "", err
	}
	return clientID, log("inquiry.convert", "inquiry", id, "")
}

// holdsRole reports whether staffID is active staff of the practice with
// the role.
func holdsRole(ctx context.Context, tx *store.Tx, practiceID, staffID, role string) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM staff s JOIN staff_role r ON r.staff_id = s.id
		WHERE s.id = ? AND s.practice_id = ? AND s.active = ? AND r.role = ?`, staffID, practiceID, true, role).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
