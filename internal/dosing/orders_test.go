package dosing

import (
	"strings"
	"testing"
	"time"
)

func TestStricterHoldPrescriberWins(t *testing.T) {
	client := &HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100, AtOrAbove: true}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sys, dia := 165, 95
	r := Reading{At: at, Systolic: &sys, Diastolic: &dia}
	if held, _ := PreDoseHold(r, DefaultHoldThreshold()); held {
		t.Fatal("165/95 is below the practice's 180/110 hold")
	}
	held, msg := ClientPreDoseHold(r, DefaultHoldThreshold(), client)
	if !held || !strings.Contains(msg, "the prescriber's hold for this client") {
		t.Fatalf("165/95 under a 160/100 client hold: held %v, %q", held, msg)
	}
	if got, _ := StricterHold(SwissLabelHoldThreshold(), &HoldThreshold{SystolicMmHg: 190, DiastolicMmHg: 95, AtOrAbove: true}); got.SystolicMmHg != 181 || got.DiastolicMmHg != 95 || !got.AtOrAbove {
		t.Fatalf("mixed holds: %+v", got)
	}
}

func TestPreMedicationAndAfterAlarm(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	orders := []PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}
	if rs := CheckPreMedication(orders, nil, at); len(rs) != 1 || rs[0].Rule != RulePreMedication {
		t.Fatalf("not given: %v", rs)
	}
	if rs := CheckPreMedication(orders, []PreMedicationGiven{{Drug: "Ondansetron", At: at.Add(-20 * time.Minute)}}, at); len(rs) != 1 {
		t.Fatalf("given 20 min before a 30 min order: %v", rs)
	}
	if rs := CheckPreMedication(orders, []PreMedicationGiven{{Drug: "ondansetron", At: at.Add(-30 * time.Minute)}}, at); len(rs) != 0 {
		t.Fatalf("given 30 min before: %v", rs)
	}
	if rs := CheckAfterAlarm(at, nil, DefaultHoldThreshold(), nil); len(rs) != 1 || rs[0].Rule != RuleAfterAlarmReading {
		t.Fatalf("no reading after the alarm: %v", rs)
	}
	sys, dia := 150, 90
	later := []Reading{{At: at.Add(10 * time.Minute), Systolic: &sys, Diastolic: &dia}}
	if rs := CheckAfterAlarm(at, later, DefaultHoldThreshold(), &HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100, AtOrAbove: true}); len(rs) != 0 {
		t.Fatalf("150/90 after the alarm, below 160/100: %v", rs)
	}
}
