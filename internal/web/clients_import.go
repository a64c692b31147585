package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
)

// The import of clients from another system. The file is read from the
// multipart body here, within the edge's bound on every form behind a
// sign-in (maxFormBody); the door keeps it, maps it and imports it.
func (s *Server) routesClientsImport() {
	s.handle(GateStaff, "GET /client-imports", s.importPage)
	s.handle(GateStaff, "POST /client-imports", s.importUpload)
	s.handle(GateStaff, "GET /client-imports/template.csv", s.importTemplate)
	s.handle(GateStaff, "GET /client-imports/{id}", s.importFilePage)
	s.handle(GateStaff, "POST /client-imports/{id}", s.importMap)
	s.handle(GateStaff, "POST /client-imports/{id}/run", s.importRun)
}

// importData is the upload page: the form and the practice's imports.
type importData struct {
	adminTabs
	Imports []clinic.Import
	Bound   string
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, form *Form) {
	sess, _ := sessionFrom(r.Context())
	list, err := s.doors.Clients.Imports(r.Context(), sess.Actor)
	if err != nil && s.failed(w, r, err, NewForm(nil)) {
		return
	}
	p := s.page(w, r, "Import clients", importData{adminTabs: tabsFor("/client-imports"), Imports: list, Bound: "1 MB"})
	p.Form = form
	s.render(w, r, status, "clients_import", p)
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.renderImport(w, r, http.StatusOK, NewForm(nil))
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	if !s.mayImport(w, r) {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="holdspace-clients.csv"`)
	io.WriteString(w, "\uFEFF"+clinic.ImportTemplate)
}

// tooLarge is the refusal of a file over the bound, said before the
// whole of it is read.
const tooLarge = clinic.TooLarge

func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	// Whoever may not import hears that before their file is read.
	if !s.mayImport(w, r) {
		return
	}
	form := NewForm(nil)
	refuse := func(status int, msg string) {
		form.Fail("file", msg)
		s.renderImport(w, r, status, form)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "Choose the CSV file of your clients to upload.")
		return
	}
	var name string
	var content []byte
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(http.StatusRequestEntityTooLarge, tooLarge)
			return
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			refuse(http.StatusBadRequest, "The upload could not be read. Choose the file and send it again.")
			return
		}
		if part.FormName() != "file" {
			continue
		}
		name = part.FileName()
		content, err = io.ReadAll(io.LimitReader(part, clinic.MaxImportFile+1))
		if errors.As(err, &tooBig) || len(content) > clinic.MaxImportFile {
			refuse(http.StatusRequestEntityTooLarge, tooLarge)
			return
		}
		if err != nil {
			refuse(http.StatusBadRequest, "The upload could not be read. Choose the file and send it again.")
			return
		}
	}
	if name == "" && len(content) == 0 {
		refuse(http.StatusUnprocessableEntity, "Choose the CSV file of your clients to upload.")
		return
	}
	id, err := s.doors.Clients.StageImport(r.Context(), sess.Actor, name, content)
	if err != nil {
		if s.failed(w, r, err, form) {
			return
		}
		s.renderImport(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	s.redirect(w, r, "/client-imports/"+url.PathEscape(id), "", "")
}

// importColumn is one column of the file with its field.
type importColumn struct {
	Index          int
	Heading, Value string
	Field          Field
}

// importFileData is the mapping and the preview of a kept file, or its
// report once imported.
type importFileData struct {
	adminTabs
	clinic.Import
	Columns               []importColumn
	Therapist, Prescriber Field
	// ProblemRows counts the rows with at least one problem.
	ProblemRows int
}

func (s *Server) importFilePage(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	im, err := s.doors.Clients.Import(r.Context(), sess.Actor, id)
	if err != nil && s.pageFailed(w, r, err, false, "There is no such import in your practice.") {
		return
	}
	form := NewForm(nil)
	for _, p := range im.MappingProbs {
		form.Fail(p.Field, p.Message)
	}
	d := importFileData{adminTabs: tabsFor("/client-imports"), Import: im}
	fields := []string{"", "Leave out"}
	for _, f := range clinic.ImportFields {
		fields = append(fields, f.Name, f.Label)
	}
	for i, h := range im.Headers {
		name := fmt.Sprintf("col%d", i)
		if i < len(im.Mapping) {
			form.Set(name, im.Mapping[i])
		}
		c := importColumn{Index: i, Heading: h, Field: form.Select(name, "“"+h+"” goes to", fields...)}
		if i < len(im.Example) {
			c.Value = im.Example[i]
			if c.Value != "" {
				c.Field = c.Field.WithHint("In the first row: " + c.Value)
			}
		}
		d.Columns = append(d.Columns, c)
	}
	form.Set("therapist_id", im.TherapistID)
	form.Set("prescriber_id", im.PrescriberID)
	d.Therapist = form.Select("therapist_id", "Therapist for rows without one", staffOptions("None: each row names one", im.Staff.Therapists)...)
	d.Prescriber = form.Select("prescriber_id", "Prescriber for rows without one", staffOptions("None: each row names one", im.Staff.Prescribers)...)
	rows := map[int]bool{}
	for _, p := range im.Problems {
		rows[p.Row] = true
	}
	d.ProblemRows = len(rows)
	title := "Import " + im.FileName
	if im.ImportedAt != nil {
		title = "Imported " + im.FileName
	}
	p := s.page(w, r, title, d)
	p.Form = form
	s.render(w, r, http.StatusOK, "clients_import_file", p)
}

func (s *Server) importMap(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	r.ParseForm()
	var mapping []string
	for i := 0; ; i++ {
		v, ok := r.PostForm[fmt.Sprintf("col%d", i)]
		if !ok {
			break
		}
		mapping = append(mapping, strings.TrimSpace(v[0]))
	}
	err := s.doors.Clients.MapImport(r.Context(), sess.Actor, id, mapping, r.PostForm.Get("therapist_id"), r.PostForm.Get("prescriber_id"))
	if f := fault.Of(err); f != nil && (f.Code == fault.Invalid || f.Code == fault.Conflict) {
		s.redirect(w, r, "/client-imports/"+url.PathEscape(id), "error", f.Message)
		return
	}
	if err != nil && s.pageFailed(w, r, err, false, "There is no such import in your practice.") {
		return
	}
	s.redirect(w, r, "/client-imports/"+url.PathEscape(id)+"#preview", "ok", "The columns are mapped. Read the preview below before importing.")
}

func (s *Server) importRun(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	id := r.PathValue("id")
	im, err := s.doors.Clients.RunImport(r.Context(), sess.Actor, id)
	if f := fault.Of(err); f != nil && (f.Code == fault.Invalid || f.Code == fault.Conflict) {
		s.redirect(w, r, "/client-imports/"+url.PathEscape(id)+"#preview", "error", f.Message)
		return
	}
	if err != nil && s.pageFailed(w, r, err, false, "There is no such import in your practice.") {
		return
	}
	s.redirect(w, r, "/client-imports/"+url.PathEscape(id), "ok", fmt.Sprintf("%d clients are imported, each in preparation with their care team.", im.Imported))
}

// importFieldLabel names a field of a row's problem in the clinic's words.
func importFieldLabel(name string) string {
	switch name {
	case "":
		return "the row"
	case "therapist_id":
		return "Therapist"
	case "prescriber_id":
		return "Prescriber"
	}
	for _, f := range clinic.ImportFields {
		if f.Name == name {
			return f.Label
		}
	}
	return name
}

// mayImport asks access whether the actor may import clients, and
// answers the refusal if not.
func (s *Server) mayImport(w http.ResponseWriter, r *http.Request) bool {
	sess, _ := sessionFrom(r.Context())
	err := s.may(r.Context(), sess.Actor, access.ClientCreate, access.Ref{Type: "client_import"})
	return err == nil || !s.failed(w, r, err, NewForm(nil))
}

// mayAddClients is whether the client list offers to add and import
// clients; the doors decide each use (ClientCreate).
func mayAddClients(a access.Actor) bool {
	return access.Decide(a, access.ClientCreate, access.Record{PracticeID: a.PracticeID}).Allow
}
