package clinic

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/fault"
)

// MaxImportFile is the largest file of clients holdspace reads at once:
// 1 MB, some 8,000 clients of name, date of birth, email and phone. The
// edge bounds every form behind a sign-in to about the same, so a larger
// file is refused before it is read to the end.
const MaxImportFile = 1_000_000

// TooLarge is the refusal of a file over MaxImportFile.
const TooLarge = "The file is larger than 1 MB, the most holdspace imports at once (about 8,000 clients). Split it into files of under 1 MB and import each. Nothing was imported."

// MaxImportRows bounds the rows of one file, whatever their width.
const MaxImportRows = 10_000

// ImportField is a holdspace field a column of the file can fill.
type ImportField struct {
	Name, Label string
	// Names are the column headings other systems give it, folded
	// (lower case, letters and digits only), for the first guess.
	Names []string
}

// ImportFields are the fields of a client an import fills. A legal name is
// needed: one column of it, or a first and a last name.
var ImportFields = []ImportField{
	{"legal_name", "Legal name", []string{"legalname", "name", "fullname", "clientname", "patientname", "client", "patient"}},
	{"first_name", "First name", []string{"firstname", "givenname", "first", "forename"}},
	{"last_name", "Last name", []string{"lastname", "familyname", "surname", "last"}},
	{"preferred_name", "Preferred name", []string{"preferredname", "nickname", "goesby", "knownas"}},
	{"date_of_birth", "Date of birth", []string{"dateofbirth", "dob", "birthdate", "birthday", "born"}},
	{"email", "Email", []string{"email", "emailaddress", "mail"}},
	{"phone", "Phone", []string{"phone", "phonenumber", "telephone", "mobile", "cell", "cellphone", "mobilephone"}},
	{"therapist_email", "Therapist (their email)", []string{"therapistemail", "therapist"}},
	{"prescriber_email", "Prescriber (their email)", []string{"prescriberemail", "prescriber"}},
}

// ImportTemplate is the file a practice fills in, with the headings the
// first guess maps without a change.
const ImportTemplate = "legal_name,preferred_name,date_of_birth,email,phone,therapist_email,prescriber_email\r\n" +
	"Harriet Osei,Hattie,1985-02-14,harriet@example.net,+1 555 010 1234,,\r\n"

func importFieldNamed(name string) (ImportField, bool) {
	for _, f := range ImportFields {
		if f.Name == name {
			return f, true
		}
	}
	return ImportField{}, false
}

// ImportFile is an uploaded file read as a table.
type ImportFile struct {
	Headers []string
	// Rows are the data rows; row i is line i+2 of the file for a file
	// without line breaks in its cells (RowLine is exact).
	Rows    [][]string
	RowLine []int
}

// fileProblem is a refusal of the file as a whole, named on its field.
func fileProblem(msg string) error {
	return access.Problems{&access.Problem{Field: "file", Message: msg}}
}

// ReadImportFile reads a CSV file of clients: UTF-8, with or without a
// byte-order mark, a heading row, and every row as wide as the headings. A
// file in another encoding is refused rather than guessed at, since a
// misread name is a wrong record.
func ReadImportFile(content []byte) (ImportFile, error) {
	var f ImportFile
	switch {
	case len(content) > MaxImportFile:
		return f, fileProblem(TooLarge)
	case bytes.HasPrefix(content, []byte{0xFF, 0xFE}), bytes.HasPrefix(content, []byte{0xFE, 0xFF}), bytes.IndexByte(content, 0) >= 0:
		return f, fileProblem("The file is in UTF-16 (Excel's “Unicode text”), not UTF-8. Save it again as “CSV UTF-8 (comma delimited)” and upload that. Nothing was imported.")
	}
	content = bytes.TrimPrefix(content, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(content) {
		line := 1 + bytes.Count(content[:firstInvalid(content)], []byte("\n"))
		return f, fileProblem(fmt.Sprintf("The file is not in UTF-8: line %d has characters in another encoding (often Windows-1252 or Latin-1, from an older export). Save it again as “CSV UTF-8 (comma delimited)” and upload that. Nothing was imported.", line))
	}
	if len(bytes.TrimSpace(content)) == 0 {
		return f, fileProblem("The file is empty. Choose the CSV file of your clients, with a heading row.")
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return f, fileProblem(fmt.Sprintf("Line %d of the file cannot be read as CSV (%s). Check its quotation marks. Nothing was imported.", pe.Line, pe.Err))
		}
		if err != nil {
			return f, err
		}
		line, _ := r.FieldPos(0)
		if f.Headers == nil {
			for i := range rec {
				rec[i] = strings.TrimSpace(rec[i])
			}
			f.Headers = rec
			continue
		}
		if blank(rec) {
			continue
		}
		if len(f.Rows) == MaxImportRows {
			return f, fileProblem(fmt.Sprintf("The file has more than %d rows, the most holdspace imports at once. Split it and import each part.", MaxImportRows))
		}
		f.Rows = append(f.Rows, rec)
		f.RowLine = append(f.RowLine, line)
	}
	return f, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func foldHeading(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GuessMapping is the first guess of the field each heading fills, from
// the names other systems commonly give them; "" leaves a column out.
func GuessMapping(headers []string) []string {
	out := make([]string, len(headers))
	taken := map[string]bool{}
	for i, h := range headers {
		fh := foldHeading(h)
		for _, f := range ImportFields {
			for _, n := range f.Names {
				if fh == n && !taken[f.Name] {
					out[i], taken[f.Name] = f.Name, true
				}
			}
			if out[i] != "" {
				break
			}
		}
	}
	return out
}

// CheckMapping says what is wrong with a mapping of the file's columns.
func CheckMapping(headers, mapping []string) access.Problems {
	var ps access.Problems
	if len(mapping) != len(headers) {
		return access.Problems{&access.Problem{Field: "mapping", Message: "Choose a field, or none, for each column of the file."}}
	}
	seen := map[string]int{}
	for i, m := range mapping {
		if m == "" {
			continue
		}
		if _, ok := importFieldNamed(m); !ok {
			ps = append(ps, &access.Problem{Field: fmt.Sprintf("col%d", i), Message: "Choose one of the fields offered, or none."})
			continue
		}
		if j, ok := seen[m]; ok {
			ps = append(ps, &access.Problem{Field: fmt.Sprintf("col%d", i), Message: fmt.Sprintf("The column “%s” already goes to this field; choose one column for each.", headers[j])})
			continue
		}
		seen[m] = i
	}
	_, name := seen["legal_name"]
	_, first := seen["first_name"]
	_, last := seen["last_name"]
	if !name && !(first && last) {
		ps = append(ps, &access.Problem{Field: "mapping", Message: "The file needs a column of legal names, or a first-name and a last-name column: choose which column holds them. If the file has none, add it and upload it again."})
	}
	if name && (first || last) {
		ps = append(ps, &access.Problem{Field: "mapping", Message: "Choose either a legal-name column or first- and last-name columns, not both."})
	}
	return ps
}

// RowProblem is what is wrong with one row of the file.
type RowProblem struct {
	// Row is the line of the file the row starts on.
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
	// ClientID is the existing client a duplicate row matches.
	ClientID string `json:"client_id,omitempty"`
}

// importRow is one row read through the mapping, before checking.
func importRow(rec, mapping []string) map[string]string {
	v := map[string]string{}
	for i, m := range mapping {
		if m != "" && i < len(rec) {
			v[m] = strings.TrimSpace(rec[i])
		}
	}
	if v["legal_name"] == "" && (v["first_name"] != "" || v["last_name"] != "") {
		v["legal_name"] = strings.TrimSpace(v["first_name"] + " " + v["last_name"])
	}
	return v
}

// existing is what the check of a row against the practice's clients and
// staff needs, read once for the whole file.
type existing struct {
	// byNameBirth and byEmail are the practice's clients by folded legal
	// name with date of birth, and by email.
	byNameBirth, byEmail map[string]string
	// staffByEmail is each active staff member's id by sign-in email,
	// with their roles.
	staffByEmail map[string]StaffMember
}

// checkRows reads every row through the mapping and says what is wrong
// with each: a missing or malformed detail, an unknown care-team member,
// or a client who is already in the practice or earlier in the file.
func checkRows(f ImportFile, mapping []string, therapistID, prescriberID string, today time.Time, ex existing) ([]NewClient, []RowProblem) {
	var out []NewClient
	var ps []RowProblem
	inFileNameBirth, inFileEmail := map[string]int{}, map[string]int{}
	for i, rec := range f.Rows {
		line := f.RowLine[i]
		add := func(field, msg, clientID string) {
			ps = append(ps, RowProblem{Row: line, Field: field, Message: msg, ClientID: clientID})
		}
		if len(rec) != len(f.Headers) {
			add("", fmt.Sprintf("This row has %d cells; the heading row has %d. Check for a stray comma.", len(rec), len(f.Headers)), "")
			continue
		}
		v := importRow(rec, mapping)
		in := NewClient{LegalName: v["legal_name"], PreferredName: v["preferred_name"], DateOfBirth: v["date_of_birth"], Email: v["email"], Phone: v["phone"],
			TherapistID: therapistID, PrescriberID: prescriberID}
		for _, m := range []struct{ field, role string }{{"therapist_email", "therapist"}, {"prescriber_email", "prescriber"}} {
			e := access.NormaliseEmail(v[m.field])
			if e == "" {
				continue
			}
			s, ok := ex.staffByEmail[e]
			if !ok || !hasRole(s, m.role) {
				add(m.field, fmt.Sprintf("No %s of the practice signs in as “%s”.", m.role, e), "")
				continue
			}
			if m.role == "therapist" {
				in.TherapistID = s.ID
			} else {
				in.PrescriberID = s.ID
			}
		}
		for _, p := range in.Check(today) {
			msg := p.Message
			switch p.Field {
			case "date_of_birth":
				if _, err := time.Parse(time.DateOnly, in.DateOfBirth); err != nil {
					msg = fmt.Sprintf("“%s” is not a date as year-month-day (ISO 8601): write it as 1988-04-12.", in.DateOfBirth)
				}
			case "therapist_id":
				msg = "No therapist: give the therapist's email in the row, or choose a therapist for rows without one."
			case "prescriber_id":
				msg = "No prescriber: give the prescriber's email in the row, or choose a prescriber for rows without one."
			case "email":
				msg = fmt.Sprintf("“%s” is not an email address such as name@example.org.", in.Email)
			}
			add(p.Field, msg, "")
		}
		nb := ""
		if in.DateOfBirth != "" && in.LegalName != "" {
			nb = foldName(in.LegalName) + "|" + in.DateOfBirth
		}
		if nb != "" {
			if id, ok := ex.byNameBirth[nb]; ok {
				add("legal_name", "A client with this legal name and date of birth is already in the practice.", id)
			} else if j, ok := inFileNameBirth[nb]; ok {
				add("legal_name", fmt.Sprintf("The same legal name and date of birth as the row on line %d.", j), "")
			} else {
				inFileNameBirth[nb] = line
			}
		}
		if in.Email != "" {
			if id, ok := ex.byEmail[in.Email]; ok {
				add("email", "A client with this email is already in the practice.", id)
			} else if j, ok := inFileEmail[in.Email]; ok {
				add("email", fmt.Sprintf("The same email as the row on line %d.", j), "")
			} else {
				inFileEmail[in.Email] = line
			}
		}
		out = append(out, in)
	}
	return out, ps
}

func hasRole(s StaffMember, role string) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// ImportRefused refuses an import whose file still has problems: nothing
// is written until every row can be.
type ImportRefused struct {
	Problems []RowProblem
}

func (e *ImportRefused) Error() string { return "the file has rows with problems" }

// Fault is invalid, with the rows' problems for the API and the page.
func (e *ImportRefused) Fault() *fault.Error {
	return &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("%d problems in the file: nothing was imported. Correct the file and upload it again.", len(e.Problems)),
		Extra: map[string]any{"rows": e.Problems}}
}
