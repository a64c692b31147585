package api

import (
	"net/http"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/consent"
)

func (s *Server) routesConsentAPI() {
	s.handle("GET /api/v1/consent-documents", s.api(s.apiConsentDocuments))
	s.handle("GET /api/v1/clients/{id}/consents", s.api(s.apiClientConsents))
	s.handle("POST /api/v1/clients/{id}/consents/{signatureID}/revoke", s.api(s.apiRevokeConsent))
}

// apiConsentVersion is a published version as the API gives it.
type apiConsentVersion struct {
	DocumentID  string       `json:"document_id"`
	Kind        consent.Kind `json:"kind"`
	KindLabel   string       `json:"kind_label"`
	Required    bool         `json:"required"`
	VersionID   string       `json:"version_id"`
	Version     int          `json:"version"`
	Title       string       `json:"title"`
	PublishedAt *time.Time   `json:"published_at,omitempty"`
	SHA256      string       `json:"sha256"`
	Text        string       `json:"text,omitempty"`
}

func apiVersion(v consent.Version, withText bool) apiConsentVersion {
	out := apiConsentVersion{DocumentID: v.DocumentID, Kind: v.Kind, KindLabel: v.Kind.Label(), Required: v.Required, VersionID: v.ID,
		Version: v.Number, Title: v.Title, PublishedAt: v.PublishedAt, SHA256: v.SHA256}
	if withText {
		out.Text = v.Body
	}
	return out
}

// apiConsentDocuments lists the documents clients sign now. Anyone on
// staff who may list clients may read them: they are what every client
// is asked to sign.
func (s *Server) apiConsentDocuments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.doors.Consent.InForce(r.Context(), a)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	withText := r.URL.Query().Get("text") != "false"
	out := make([]apiConsentVersion, 0, len(list))
	for _, v := range list {
		out = append(out, apiVersion(v, withText))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"documents": out})
}

// apiClientConsent is a client's standing with one document.
type apiClientConsent struct {
	apiConsentVersion
	Status consent.Status `json:"status"`
	// SignatureID is the signature that decides the status, if any.
	SignatureID string `json:"signature_id,omitempty"`
}

type apiClientConsents struct {
	ClientID   string              `json:"client_id"`
	Current    bool                `json:"current"`
	Missing    []string            `json:"missing"`
	Documents  []apiClientConsent  `json:"documents"`
	Signatures []consent.Signature `json:"signatures"`
}

func (s *Server) apiClientConsents(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := r.PathValue("id")
	st, err := s.doors.Consent.OfClient(r.Context(), a, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := apiClientConsents{ClientID: id, Missing: []string{}, Documents: []apiClientConsent{}, Signatures: []consent.Signature{}}
	for _, d := range st.Docs {
		c := apiClientConsent{apiConsentVersion: apiVersion(d.Latest, false), Status: d.Status}
		c.Required = d.Required
		if d.Signature != nil {
			c.SignatureID = d.Signature.ID
		}
		out.Documents = append(out.Documents, c)
	}
	out.Missing = append(out.Missing, st.Missing...)
	out.Current = len(out.Missing) == 0
	out.Signatures = append(out.Signatures, st.History...)
	WriteJSON(w, http.StatusOK, out)
}

// apiRevokeConsent records a withdrawal the client gave to staff (by
// phone, in person); the reason says how.
func (s *Server) apiRevokeConsent(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, sigID := r.PathValue("id"), r.PathValue("signatureID")
	var in struct {
		Reason string `json:"reason"`
	}
	// The reason may be left out: the body may be empty.
	bad := DecodeOptional(r, &in)
	sig, err := s.doors.Consent.Revoke(r.Context(), a, id, sigID, in.Reason, bad)
	s.reply(w, r, err, http.StatusOK, sig)
}
