package fault_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"holdspace/internal/fault"
)

type doseRefused struct{ mg float64 }

func (d *doseRefused) Error() string { return "dose refused" }
func (d *doseRefused) Fault() *fault.Error {
	return &fault.Error{Code: fault.Invalid, Message: "dose refused", Extra: map[string]any{"dose_mg": d.mg}}
}

func TestOfFindsTheOutermostFaultAndLeavesFailuresAlone(t *testing.T) {
	inner := fault.New(fault.NotFound, "There is no such client in your practice.")
	cases := []struct {
		name   string
		err    error
		code   fault.Code
		status int
	}{
		{"a fault", inner, fault.NotFound, http.StatusNotFound},
		{"a wrapped fault", fmt.Errorf("loading: %w", inner), fault.NotFound, http.StatusNotFound},
		{"a package's own type", &doseRefused{400}, fault.Invalid, http.StatusUnprocessableEntity},
		{"a fault around a package's type", fault.Wrap(fault.Conflict, "changed meanwhile", &doseRefused{1}), fault.Conflict, http.StatusConflict},
		{"a locked record", fault.New(fault.Locked, "signed"), fault.Locked, http.StatusConflict},
		{"a body too large", &fault.Error{Code: fault.Invalid, Status: http.StatusRequestEntityTooLarge}, fault.Invalid, http.StatusRequestEntityTooLarge},
		{"unavailable", fault.New(fault.Unavailable, "try again"), fault.Unavailable, http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		f := fault.Of(tc.err)
		if f == nil || f.Code != tc.code || f.HTTPStatus() != tc.status {
			t.Errorf("%s: Of gave %+v; want %s answered %d", tc.name, f, tc.code, tc.status)
		}
	}
	if f := fault.Of(errors.New("disk full")); f != nil {
		t.Errorf("a failure is not a refusal a person can fix: %+v", f)
	}
	if fault.Of(nil) != nil {
		t.Error("no error is no fault")
	}
	if !errors.Is(fmt.Errorf("x: %w", inner), inner) {
		t.Error("a fault is still found by errors.Is")
	}
}

func TestFieldsOfOneNameAreJoined(t *testing.T) {
	e := &fault.Error{Code: fault.Invalid, Fields: []fault.Field{{"dose_mg", "Above the plan."}, {"given_by", "Choose a clinician."}, {"dose_mg", "Above the maximum."}}}
	m := e.FieldMap()
	if m["dose_mg"] != "Above the plan. Above the maximum." || m["given_by"] != "Choose a clinician." || len(m) != 2 {
		t.Errorf("FieldMap = %v", m)
	}
	if e.Error() != "Above the plan. Choose a clinician. Above the maximum." {
		t.Errorf("Error() = %q", e.Error())
	}
}
