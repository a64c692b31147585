package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// The portal's questionnaires: what is due, filling one in (saved as a
// draft as the client goes), the review of missing answers, and the thanks
// page, which shows the crisis resources at once when an answer raised a
// safety alert.

type portalMeasuresPage struct {
	Due       []portalDue
	Drafts    []portalDone
	Done      []portalDone
	SeeScores bool
	Charts    []msrChart
}

type portalDue struct {
	measure.Due
	Name string
}

type portalDone struct {
	Response *measure.Response
	Name     string
	Occasion string
	Words    string
}

func (s *Server) portalMeasures(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	cat := s.instruments
	var d portalMeasuresPage
	var history []measure.Response
	var sched []measure.CourseSchedule
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "measure_response", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		set, err := measure.LoadSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		d.SeeScores = set.ClientsSeeScores
		if sched, err = measure.ClientSchedule(r.Context(), tx, a.PracticeID, a.ClientID, s.now()); err != nil {
			return err
		}
		history, err = measure.List(r.Context(), tx, a.ClientID)
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	for _, due := range measure.Outstanding(sched) {
		if due.Response != nil && due.Response.Status == measure.StatusDraft {
			continue // listed with the drafts below
		}
		d.Due = append(d.Due, portalDue{Due: due, Name: instrumentName(cat, due.Instrument)})
	}
	for i := len(history) - 1; i >= 0; i-- {
		h := &history[i]
		def, ok := cat.Get(h.Instrument)
		if !ok || h.FilledBy != measure.FilledByClient && h.Status == measure.StatusDraft {
			continue
		}
		item := portalDone{Response: h, Name: def.Name, Occasion: measure.OccasionLabel(h.Occasion)}
		switch {
		case h.Status == measure.StatusDraft && h.Supersedes == "":
			d.Drafts = append(d.Drafts, item)
		case h.Current():
			if d.SeeScores {
				item.Words = scoreWords(def, h.Result)
			}
			d.Done = append(d.Done, item)
		}
	}
	if d.SeeScores {
		d.Charts = msrCharts(cat, history, nil, sess.Zone)
	}
	s.render(w, r, http.StatusOK, "measures_portal", s.page(w, r, "Questionnaires", d))
}

func instrumentName(cat *instrument.Catalog, code string) string {
	if def, ok := cat.Get(code); ok {
		return def.Name
	}
	return code
}

// scoreWords says a total in plain words for the client, naming the band
// as the instrument does; no advice.
func scoreWords(def *instrument.Definition, res *instrument.Result) string {
	if res == nil || !res.HasTotal {
		return ""
	}
	return "Your total was " + strconv.Itoa(res.Total) + " out of " + strconv.Itoa(res.Max) + ", in the range the questionnaire calls “" + strings.ToLower(res.Band) + "”."
}

func (s *Server) portalMeasureStart(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	r.ParseForm()
	form := NewForm(r.PostForm)
	cat := s.instruments
	slot := measure.Slot{CourseID: form.Get("course_id"), Instrument: form.Get("instrument"), Occasion: form.Get("occasion")}
	var resp *measure.Response
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "measure_response", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		// Only what the schedule has open may be started from the portal.
		sched, err := measure.ClientSchedule(r.Context(), tx, a.PracticeID, a.ClientID, s.now())
		if err != nil {
			return err
		}
		open := false
		for _, due := range measure.Outstanding(sched) {
			open = open || due.Slot() == slot
		}
		if !open {
			return clinic.Problems{{Field: "instrument", Message: "This questionnaire is not open for you right now."}}
		}
		resp, err = measure.Start(r.Context(), tx, cat, a.PracticeID, a.ClientID, slot, measure.Filler{Kind: measure.FilledByClient}, s.now())
		return err
	})
	if err == nil {
		http.Redirect(w, r, "/portal/measures/"+resp.ID, http.StatusSeeOther)
		return
	}
	if s.chartFailed(w, r, err) {
		return
	}
	s.redirect(w, r, "/portal/measures", "warn", strings.TrimSpace(err.Error()))
}

type portalFillPage struct {
	Form msrForm
	// Review shows the answers back before submitting.
	Review bool
}

type portalDonePage struct {
	Name      string
	Occasion  string
	Words     string
	Alerted   bool
	Crisis    []crisisBlock
	Emergency string
	// Contact is how to reach the practice itself, beside the crisis lines.
	Contact, Practice string
}

func (s *Server) portalMeasure(w http.ResponseWriter, r *http.Request) {
	s.renderPortalMeasure(w, r, nil, false, http.StatusOK)
}

// renderPortalMeasure shows a draft to fill in (or its review), or the
// thanks page of a submitted one.
func (s *Server) renderPortalMeasure(w http.ResponseWriter, r *http.Request, errs map[string]string, review bool, status int) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("responseID")
	cat := s.instruments
	var resp *measure.Response
	var set measure.Settings
	var crisis sfCrisisView
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "measure_response", ID: id, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if resp, err = measure.Load(r.Context(), tx, a.ClientID, id); err != nil {
			return err
		}
		if set, err = measure.LoadSettings(r.Context(), tx, a.PracticeID); err != nil {
			return err
		}
		crisis, err = sfLoadCrisisView(r, tx, a.PracticeID)
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	def, ok := cat.Get(resp.Instrument)
	if !ok {
		s.notFound(w, r)
		return
	}
	if resp.Status == measure.StatusSubmitted {
		d := portalDonePage{Name: def.Name, Occasion: measure.OccasionLabel(resp.Occasion)}
		if set.ClientsSeeScores {
			d.Words = scoreWords(def, resp.Result)
		}
		if _, fired, _ := safety.TriggerFor(measure.SafetyResponse(def, resp)); fired {
			d.Alerted, d.Crisis, d.Emergency = true, crisisBlocks(crisis.Resources, sess.PracticeName), crisis.Resources.Emergency
			d.Contact, d.Practice = crisis.Contact, crisis.Practice
		}
		s.render(w, r, status, "measures_portal_done", s.page(w, r, "Thank you", d))
		return
	}
	p := s.page(w, r, def.Name, portalFillPage{Form: buildForm(def, resp, "/portal/measures/"+id, errs), Review: review})
	for id, msg := range errs {
		p.Form.Fail(id, msg)
	}
	s.render(w, r, status, "measures_portal_fill", p)
}

// portalMeasurePost saves the answers given so far, then acts on the
// button pressed: save and leave, continue (the adaptive step without
// script), review, or submit.
func (s *Server) portalMeasurePost(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	id := r.PathValue("responseID")
	r.ParseForm()
	form := NewForm(r.PostForm)
	action := form.Get("action")
	_, err := s.measures().Answer(r.Context(), a, a.ClientID, id, typedAnswers(form), action == "submit")
	errs := answerErrs(err)
	switch {
	case err == nil && action == "save":
		s.redirect(w, r, "/portal/measures", "ok", "Your answers are saved. You can come back and finish any time.")
	case err == nil && action == "review":
		s.renderPortalMeasure(w, r, nil, true, http.StatusOK)
	case err == nil:
		// Submitted (the thanks page) or continued (the next questions).
		http.Redirect(w, r, "/portal/measures/"+id, http.StatusSeeOther)
	case errs != nil:
		s.renderPortalMeasure(w, r, errs, false, http.StatusUnprocessableEntity)
	default:
		if !s.chartFailed(w, r, err) {
			s.serverError(w, r, err)
		}
	}
}

// msrChartHTML marks SVG drawn by internal/scorechart, which escapes every
// text it holds, as safe to place in a page.
func msrChartHTML(svg string) template.HTML { return template.HTML(svg) } // #nosec G203 -- scorechart escapes its text
