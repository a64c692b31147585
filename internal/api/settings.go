package api

import (
	"net/http"

	"holdspace/internal/access"
	"holdspace/internal/dosing"
	"holdspace/internal/reminder"
	"holdspace/internal/settings"
)

func (s *Server) routesSettingsAPI() {
	s.handle("GET /api/v1/settings/medicine", s.api(s.apiGetMedicineSettings))
	s.handle("PUT /api/v1/settings/medicine", s.api(s.apiPutMedicineSettings))
}

func (s *Server) apiGetMedicineSettings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	v, err := s.doors.Reminders.Medicine(r.Context(), a)
	out := apiMedicineSettings{Settings: v.Settings, History: v.History, CanChange: v.CanChange}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeMedicineSettings(w, out)
}

// apiPutMedicineSettings replaces the medicine settings through the same door as the page:
// a prescriber or clinical lead, a reason, every number inside its bound.
func (s *Server) apiPutMedicineSettings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in struct {
		Settings *dosing.Settings `json:"settings"`
		Reason   string           `json:"reason"`
	}
	if err := Decode(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	change := reminder.MedicineChange{Reason: in.Reason}
	if in.Settings != nil {
		change.Settings = *in.Settings
	} else {
		// Refused after the access decision, so a refusal is the same whatever was sent.
		change.Unread = settings.Invalid{{Field: "settings", Message: "Send the whole settings document under \"settings\", with a \"reason\"."}}
	}
	res, err := s.doors.Reminders.ChangeMedicine(r.Context(), a, change)
	out := apiMedicineSettings{Settings: res.Settings, History: res.History, CanChange: res.CanChange}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeMedicineSettings(w, out)
}

// apiMedicineSettings is the settings with their bounds, who may change them and the history.
type apiMedicineSettings struct {
	Settings  dosing.Settings         `json:"settings"`
	Bounds    []apiBound              `json:"bounds"`
	CanChange bool                    `json:"can_change"`
	History   []settings.HistoryEntry `json:"history"`
}

type apiBound struct {
	Field  string `json:"field"`
	Min    int    `json:"min"`
	Max    int    `json:"max"`
	Off    bool   `json:"zero_turns_off"`
	Source string `json:"source"`
	Hazard string `json:"hazard"`
}

func (s *Server) writeMedicineSettings(w http.ResponseWriter, out apiMedicineSettings) {
	for _, b := range dosing.Bounds() {
		out.Bounds = append(out.Bounds, apiBound{Field: b.Field, Min: b.Min, Max: b.Max, Off: b.Off, Source: b.Source, Hazard: "/hazards#" + b.Hazard})
	}
	if out.History == nil {
		out.History = []settings.HistoryEntry{}
	}
	WriteJSON(w, http.StatusOK, out)
}
