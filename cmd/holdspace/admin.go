package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/config"
	"holdspace/internal/keyring"
)

func cmdPractice(ctx context.Context, e *env, args []string) error {
	var name, slug, zone string
	c, rest, err := parse(e, "practice", "Usage: holdspace practice add --name NAME --slug SHORT --time-zone ZONE\n\nAdds a practice (a tenant). Then add its owner with holdspace user add.", args,
		func(f *config.Flags) {
			f.Database()
			fs := f.FlagSet()
			fs.StringVar(&name, "name", "", "the practice's name as clients see it")
			fs.StringVar(&slug, "slug", "", "a short name: lower-case letters, digits and dashes")
			fs.StringVar(&zone, "time-zone", "America/New_York", "the practice's time zone (IANA name)")
		})
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] != "add" {
		return usageError{errors.New("say holdspace practice add --name … --slug …")}
	}
	db, err := openMigrated(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := access.CreatePractice(ctx, db, name, slug, zone, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Added the practice %q (%s). Now add its owner:\n  holdspace user add --practice %s --name \"…\" --email … --role owner\n", name, slug, slug)
	return nil
}

func cmdUser(ctx context.Context, e *env, args []string) error {
	var in access.StaffInput
	var practice, roles, baseURL string
	var passwordStdin bool
	c, rest, err := parse(e, "user", "Usage: holdspace user add --practice SHORT --name NAME --email EMAIL --role ROLE[,ROLE…]\n\nAdds a staff member. Without --password-stdin it prints a single-use link (valid 7 days) with which\nthey choose their own password; the link is also emailed once the server sends email.\nRoles: owner, admin, prescriber, therapist, monitor.", args,
		func(f *config.Flags) {
			f.Database().Keys()
			fs := f.FlagSet()
			fs.StringVar(&practice, "practice", "", "the practice's short name")
			fs.StringVar(&in.Name, "name", "", "full name")
			fs.StringVar(&in.Email, "email", "", "email address (their sign-in)")
			fs.StringVar(&roles, "role", "", "one or more roles, separated by commas")
			fs.StringVar(&in.Credentials, "credentials", "", "credentials printed after the name, e.g. MD, LCSW")
			fs.StringVar(&in.Licence, "licence", "", "licence number")
			fs.StringVar(&in.NPI, "npi", "", "National Provider Identifier (10 digits)")
			fs.StringVar(&in.DEA, "dea", "", "DEA registration number (prescribers)")
			fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input instead of printing a link")
			fs.StringVar(&baseURL, "base-url", "http://127.0.0.1:8080/", "the server's public URL, for the printed link")
		})
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] != "add" {
		return usageError{errors.New("say holdspace user add --practice … --name … --email … --role …")}
	}
	for _, r := range strings.Split(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			in.Roles = append(in.Roles, access.Role(r))
		}
	}
	svc, pid, err := inPractice(ctx, c, practice, baseURL)
	if err != nil {
		return err
	}
	defer svc.DB.Close()
	password := ""
	if passwordStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	_, link, err := svc.AddStaffBySystem(ctx, pid, in, password)
	if err != nil {
		return err
	}
	if password != "" {
		fmt.Fprintf(e.stdout, "Added %s with the password given. They will set up an authenticator app at first sign-in.\n", in.Email)
	} else {
		fmt.Fprintf(e.stdout, "Added %s. Give them this single-use link to choose a password (valid 7 days):\n  %s\n", in.Email, link)
	}
	return nil
}

// inPractice is what a command acting in one practice starts from: the
// migrated database and the key file behind an access service with
// baseURL for its links, and the id of the practice slug names. The
// caller closes svc.DB.
func inPractice(ctx context.Context, c config.Config, slug, baseURL string) (*access.Service, string, error) {
	db, err := openMigrated(ctx, c)
	if err != nil {
		return nil, "", err
	}
	keys, err := keyring.LoadOrCreate(c.KeyFile)
	if err != nil {
		db.Close()
		return nil, "", err
	}
	pid, err := access.PracticeBySlug(ctx, db, slug)
	if err != nil {
		db.Close()
		return nil, "", err
	}
	return &access.Service{DB: db, Hasher: access.NewHasher(access.RFC9106Params, 1), Keys: keys, Now: time.Now, BaseURL: baseURL, Policy: access.DefaultPolicy()}, pid, nil
}

func cmdAudit(ctx context.Context, e *env, args []string) error {
	c, rest, err := parse(e, "audit", "Usage: holdspace audit verify\n\nWalks every practice's audit chain and checks that no entry was changed, removed or reordered.\nExits 1 and names the first broken entry of each broken chain.", args,
		func(f *config.Flags) { f.Database() })
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] != "verify" {
		return usageError{errors.New("say holdspace audit verify")}
	}
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if len(rep.Breaks) > 0 {
		for _, b := range rep.Breaks {
			fmt.Fprintln(e.stdout, b.Error())
		}
		return fmt.Errorf("the audit trail is broken in %d of %d chains", len(rep.Breaks), rep.Chains)
	}
	fmt.Fprintf(e.stdout, "The audit trail is whole: %d entries in %d chains verified.\n", rep.Entries, rep.Chains)
	if rep.Reencoded > 0 {
		fmt.Fprintf(e.stdout, "%d of them had text re-encoded, each as its chain's %s entry records.\n", rep.Reencoded, audit.ActionReencoded)
	}
	return nil
}

// cmdToken makes, lists and revokes API tokens from the command line, for
// operators and scripts. Each is done as the staff member --staff names,
// through the same use cases as Settings → API tokens: decided by the
// same rule (owners and administrators only) and on the same trail, with
// the command line as the place it came from.
func cmdToken(ctx context.Context, e *env, args []string) error {
	var practice, staff, scopes, name string
	c, rest, err := parse(e, "token", "Usage: holdspace token add --practice SHORT --staff EMAIL --scopes SCOPE[,SCOPE…] [--name NAME]\n"+
		"       holdspace token list --practice SHORT --staff EMAIL\n"+
		"       holdspace token revoke --practice SHORT --staff EMAIL ID\n\n"+
		"add prints a new API token once: holdspace keeps only its hash. The token acts as the staff member\n"+
		"--staff names, who must be an owner or administrator, narrowed to the scopes given.\n"+
		"Scopes: "+scopeList()+".", args,
		func(f *config.Flags) {
			f.Database().Keys()
			fs := f.FlagSet()
			fs.StringVar(&practice, "practice", "", "the practice's short name")
			fs.StringVar(&staff, "staff", "", "email of the owner or administrator the command acts as (and the token acts as)")
			fs.StringVar(&scopes, "scopes", "", "scopes of the new token, separated by commas")
			fs.StringVar(&name, "name", "", "what uses the token, e.g. \"nightly export\" (add only)")
		})
	if err != nil {
		return err
	}
	if len(rest) == 0 || (rest[0] != "add" && rest[0] != "list" && rest[0] != "revoke") {
		return usageError{errors.New("say holdspace token add, token list or token revoke ID")}
	}
	if practice == "" || staff == "" {
		return usageError{errors.New("--practice and --staff are needed: the command acts as that staff member")}
	}
	verb := rest[0]
	if verb == "revoke" && len(rest) != 2 {
		return usageError{errors.New("say holdspace token revoke … ID, with the token's ID from token list")}
	}
	if verb != "revoke" && len(rest) != 1 {
		return usageError{fmt.Errorf("token %s takes no other arguments", verb)}
	}
	var list []access.Scope
	if verb == "add" {
		for _, sc := range strings.Split(scopes, ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				list = append(list, access.Scope(sc))
			}
		}
		if len(list) == 0 {
			return usageError{errors.New("--scopes is needed: one or more of " + scopeList())}
		}
		if name == "" {
			name = "command line"
		}
	}
	svc, pid, err := inPractice(ctx, c, practice, "")
	if err != nil {
		return err
	}
	defer svc.DB.Close()
	ctx = access.WithMeta(ctx, access.Meta{Address: "command line", UserAgent: "holdspace token " + verb})
	actor, err := svc.StaffActorByEmail(ctx, pid, staff)
	if err != nil {
		return err
	}
	var denied *access.Denied
	var prob *access.Problem
	switch verb {
	case "add":
		token, err := svc.CreateAPIToken(ctx, actor, name, list)
		switch {
		case errors.As(err, &denied):
			return fmt.Errorf("%s may not make API tokens: %s", staff, denied.Reason)
		case errors.As(err, &prob):
			return usageError{errors.New(prob.Message)}
		case err != nil:
			return err
		}
		fmt.Fprintf(e.stderr, "A new API token for %s, acting as %s. It is shown only now; keep it secret:\n", strings.Join(scopeNames(list), " "), staff)
		fmt.Fprintln(e.stdout, token)
	case "list":
		tokens, err := svc.APITokens(ctx, actor)
		if errors.As(err, &denied) {
			return fmt.Errorf("%s may not see API tokens: %s", staff, denied.Reason)
		}
		if err != nil {
			return err
		}
		for _, t := range tokens {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.UTC().Format(time.RFC3339)
			}
			used := "never used"
			if t.LastUsedAt != nil {
				used = "last used " + t.LastUsedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\tacts as %s\tmade %s\t%s\t%s\n", t.ID, t.Name, strings.Join(scopeNames(t.Scopes), " "),
				t.OwnerName, t.CreatedAt.UTC().Format(time.RFC3339), used, state)
		}
		if len(tokens) == 0 {
			fmt.Fprintln(e.stderr, "The practice has no API tokens.")
		}
	case "revoke":
		err := svc.RevokeAPIToken(ctx, actor, rest[1])
		switch {
		case errors.As(err, &denied):
			return fmt.Errorf("%s may not revoke API tokens: %s", staff, denied.Reason)
		case errors.As(err, &prob):
			return errors.New(prob.Message)
		case err != nil:
			return err
		}
		fmt.Fprintf(e.stdout, "Revoked the token %s; it stops working at once.\n", rest[1])
	}
	return nil
}

func scopeList() string { return strings.Join(scopeNames(access.Scopes), ", ") }

func scopeNames(list []access.Scope) []string {
	var out []string
	for _, sc := range list {
		out = append(out, string(sc))
	}
	return out
}
