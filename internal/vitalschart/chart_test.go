package vitalschart

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/dosing"
)

func session() Chart {
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	m := dosing.Measured
	rd := func(min, sys, dia, hr, sp, rr int) dosing.Reading {
		return dosing.Reading{At: at.Add(time.Duration(min) * time.Minute), Systolic: m(sys), Diastolic: m(dia), HeartRate: m(hr), SpO2: m(sp), RespiratoryRate: m(rr)}
	}
	zone, _ := time.LoadLocation("America/New_York")
	return Chart{
		Title: "Vitals, session 4",
		Readings: []dosing.Reading{
			rd(-10, 128, 82, 72, 98, 14), rd(15, 138, 86, 80, 98, 14), rd(30, 152, 94, 88, 97, 15),
			rd(45, 186, 104, 96, 96, 16), rd(60, 146, 90, 84, 97, 14),
			// A pulse oximeter reading on its own.
			{At: at.Add(75 * time.Minute), HeartRate: m(78), SpO2: m(91)},
			rd(90, 132, 84, 76, 98, 14), rd(120, 126, 80, 70, 98, 13),
		},
		Doses:  []Dose{{At: at, Label: "100 mg"}, {At: at.Add(40 * time.Minute), Label: "50 mg"}},
		Ranges: dosing.DefaultRanges(),
		Zone:   zone,
	}
}

// The chart is well-formed SVG with a title and description for screen
// readers, a mark per dose, and every out-of-range value ringed and
// written out (KAP.md §1 Vitals: readings outside practice ranges are
// highlighted, not by colour alone).
func TestTheChartMarksDosesAndOutOfRangeReadings(t *testing.T) {
	c := session()
	svg := SVG(c)
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
	for _, want := range []string{`role="img"`, `<title id="vitals-title">Vitals, session 4</title>`, `<desc id="vitals-desc">`,
		"Dose 09:00 · 100 mg", "Dose 09:40 · 50 mg", ">186<", ">104<", ">91<", "09:30"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if n := strings.Count(svg, `class="dose"`); n != 2 {
		t.Errorf("%d dose marks; want 2", n)
	}
	// 186/104 both out, 152/94 both out (above 139/89), 146/90 both out, SpO2 91 out, SpO2 96 in.
	if n := strings.Count(svg, `class="out-of-range"`); n != 7 {
		t.Errorf("%d ringed values; want 7", n)
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<style") || strings.Contains(svg, "<script") {
		t.Error("the chart must not use inline style or script (the page's CSP forbids them)")
	}
	if d := Describe(c); !strings.Contains(d, "8 readings from 08:50 to 11:00") || !strings.Contains(d, "7 values outside") {
		t.Errorf("description: %s", d)
	}
	if dir := os.Getenv("PAGES_DUMP"); dir != "" {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "vitalschart.svg"), []byte(svg), 0o644)
	}
}

func TestNothingToDrawWithoutReadings(t *testing.T) {
	c := Chart{Doses: []Dose{{At: time.Now()}}, Ranges: dosing.DefaultRanges()}
	if s := SVG(c); s != "" {
		t.Errorf("an empty session drew %q", s)
	}
	if d := Describe(c); d != "No vitals have been recorded." {
		t.Errorf("description %q", d)
	}
}

// Text that reaches the chart is escaped: it goes into pages as trusted HTML.
func TestTextIsEscaped(t *testing.T) {
	c := session()
	c.Title = `<script>alert(1)</script>`
	c.Doses[0].Label = `"><b>`
	svg := SVG(c)
	if strings.Contains(svg, "<script>") || strings.Contains(svg, `"><b>`) {
		t.Error("text was not escaped")
	}
}

// A single pre-dose reading still draws, at least an hour wide.
func TestOneReadingDraws(t *testing.T) {
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	c := Chart{Readings: []dosing.Reading{{At: at, Systolic: dosing.Measured(120), Diastolic: dosing.Measured(80)}}, Ranges: dosing.DefaultRanges()}
	svg := SVG(c)
	if !strings.Contains(svg, "<svg") || strings.Contains(svg, "NaN") {
		t.Errorf("bad chart for one reading: %s", svg)
	}
}

// Dose labels close together take two rows instead of overlapping.
func TestCloseDoseLabelsDoNotOverlap(t *testing.T) {
	c := session()
	c.Doses = []Dose{{At: c.Doses[0].At, Label: "200 mg"}, {At: c.Doses[0].At.Add(10 * time.Minute), Label: "50 mg"}}
	svg := SVG(c)
	ys := regexp.MustCompile(`<text x="[0-9.]+" y="([0-9.]+)" fill="#2f6f6a" font-weight="600"`).FindAllStringSubmatch(svg, -1)
	if len(ys) != 2 || ys[0][1] == ys[1][1] {
		t.Errorf("dose labels at %v; want two rows", ys)
	}
}
