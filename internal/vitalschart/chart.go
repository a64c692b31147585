// Package vitalschart draws the vitals of one medicine session as an SVG
// drawn on the server: blood pressure (systolic and diastolic), heart rate,
// SpO2 and respiratory rate over time, each in its own panel with the
// practice's normal range shaded and the dose times marked across all of
// them (KAP.md §1 Vitals). It needs no script, prints into a PDF, and
// carries a title and a description for screen readers; pages show the same
// readings as a table beside it.
//
// Readings outside the practice's ranges are not told by colour alone: the
// marker gets a ring and the value is written beside it. The SVG uses
// presentation attributes only (no style element or attribute), so it
// passes a strict Content-Security-Policy.
package vitalschart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/dosing"
)

// Dose is one administration to mark on the time axis.
type Dose struct {
	At    time.Time
	Label string // "100 mg", shown at the top of the mark
}

// Chart is what to draw. Zone is the practice's zone for the time labels.
type Chart struct {
	Title    string
	Readings []dosing.Reading
	Doses    []Dose
	Ranges   dosing.Ranges
	Zone     *time.Location
	// ID makes the ids inside the SVG unique when a page holds two charts.
	ID string
}

// Layout, in viewBox units; the SVG scales to its container.
const (
	width       = 960
	left        = 56
	right       = 112
	top         = 66
	panelHeight = 120
	panelGap    = 28
	bottom      = 66
)

// Colours: dark enough on white for WCAG contrast, told apart by marker
// shape as well.
const (
	ink       = "#1f2a30"
	muted     = "#5b6a71"
	grid      = "#e4e6e1"
	band      = "#e5f3e8"
	bandEdge  = "#b9dcc2"
	doseInk   = "#2f6f6a"
	alarmInk  = "#a3271f"
	sysColour = "#7a2e8e"
	diaColour = "#1c5fd1"
	hrColour  = "#a3271f"
	spColour  = "#256b3a"
	rrColour  = "#8a5a00"
)

// panel is one of the stacked plots.
type panel struct {
	title    string
	unit     string
	lo, hi   int // default domain, widened to fit the data
	measures []series
}

type series struct {
	m      dosing.Measure
	label  string
	colour string
	shape  string // chevron-down, chevron-up, circle, square, diamond
}

func panels() []panel {
	return []panel{
		{title: "Blood pressure", unit: "mmHg", lo: 40, hi: 200, measures: []series{
			{dosing.MeasureSystolic, "Systolic", sysColour, "chevron-down"},
			{dosing.MeasureDiastolic, "Diastolic", diaColour, "chevron-up"},
		}},
		{title: "Heart rate", unit: "beats/min", lo: 40, hi: 140, measures: []series{{dosing.MeasureHeartRate, "Heart rate", hrColour, "circle"}}},
		{title: "SpO2", unit: "%", lo: 86, hi: 100, measures: []series{{dosing.MeasureSpO2, "SpO2", spColour, "square"}}},
		{title: "Respiratory rate", unit: "breaths/min", lo: 4, hi: 32, measures: []series{{dosing.MeasureRespiratoryRate, "Respiratory rate", rrColour, "diamond"}}},
	}
}

// Empty reports whether there is nothing to draw.
func (c Chart) Empty() bool {
	for _, r := range c.Readings {
		if !r.Empty() {
			return false
		}
	}
	return true
}

// SVG draws the chart; "" when there are no readings. Every piece of text
// in it is escaped, so callers may put it into a page as trusted HTML.
func SVG(c Chart) string {
	if c.Empty() {
		return ""
	}
	zone := c.Zone
	if zone == nil {
		zone = time.UTC
	}
	from, to := c.span()
	ps := panels()
	height := top + len(ps)*panelHeight + (len(ps)-1)*panelGap + bottom
	x := func(t time.Time) float64 {
		return left + float64(t.Sub(from))/float64(to.Sub(from))*float64(width-left-right)
	}
	id := c.ID
	if id == "" {
		id = "vitals"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="vitals-chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, sans-serif" font-size="13">`,
		width, height, width, height, esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, esc(id), esc(c.title()))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, esc(id), esc(Describe(c)))
	b.WriteString(`<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>`)
	c.legend(&b, float64(height-12))

	ticks := timeTicks(from, to, zone)
	for i, p := range ps {
		y0 := float64(top + i*(panelHeight+panelGap))
		c.drawPanel(&b, p, y0, x, ticks)
	}
	// Dose marks run across every panel, drawn last so lines do not hide them.
	// Labels of doses close together go to a second row, so they never
	// overlap (the width of a label is estimated from its length).
	yTop, yBottom := float64(top-22), float64(height-bottom)
	rowEnd := [2]float64{-1000, -1000}
	for _, d := range c.Doses {
		if d.At.Before(from) || d.At.After(to) {
			continue
		}
		dx := x(d.At)
		label := "Dose " + d.At.In(zone).Format("15:04")
		if d.Label != "" {
			label += " · " + d.Label
		}
		w := float64(len([]rune(label))) * 7.6
		lx := dx + anchorShift(dx)
		switch anchor(dx) {
		case "middle":
			lx -= w / 2
		case "end":
			lx -= w
		}
		row := 0
		if rowEnd[0]+10 > lx {
			row = 1
			if rowEnd[1] > rowEnd[0] {
				row = 0
			}
		}
		rowEnd[row] = lx + w
		fmt.Fprintf(&b, `<g class="dose"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/>`,
			dx, yTop, dx, yBottom, doseInk)
		fmt.Fprintf(&b, `<path d="M%.1f %.1f l-6 -9 h12 z" fill="%s"/>`, dx, yTop, doseInk)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" font-weight="600" text-anchor="%s">%s</text></g>`,
			dx+anchorShift(dx), 32-float64(row)*16, doseInk, anchor(dx), esc(label))
	}
	// Time axis under the last panel.
	for _, t := range ticks {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" text-anchor="middle">%s</text>`, x(t), yBottom+20, muted, t.In(zone).Format("15:04"))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func (c Chart) title() string {
	if c.Title != "" {
		return c.Title
	}
	return "Vitals during the session"
}

// anchor keeps dose labels inside the drawing near either edge.
func anchor(x float64) string {
	switch {
	case x < left+80:
		return "start"
	case x > width-right-120:
		return "end"
	}
	return "middle"
}

func anchorShift(x float64) float64 {
	switch anchor(x) {
	case "start":
		return -4
	case "end":
		return 4
	}
	return 0
}

func (c Chart) legend(b *strings.Builder, y float64) {
	xPos := float64(left)
	for _, p := range panels() {
		for _, s := range p.measures {
			marker(b, s.shape, xPos+6, y-4, s.colour, false)
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="%s">%s</text>`, xPos+16, y, ink, esc(s.label))
			xPos += 16 + float64(len(s.label))*7.4 + 14
		}
	}
	fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="8" fill="none" stroke="%s" stroke-width="2"/><text x="%.1f" y="%.1f" fill="%s">outside the range, value written</text>`,
		xPos+6, y-4, alarmInk, xPos+20, y, ink)
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="16" height="10" fill="%s" stroke="%s"/><text x="%.1f" y="%.1f" fill="%s">normal range</text>`,
		xPos+236, y-10, band, bandEdge, xPos+258, y, ink)
}

// span is the drawn time window: every reading and dose, with a margin,
// at least an hour wide.
func (c Chart) span() (time.Time, time.Time) {
	var from, to time.Time
	see := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if from.IsZero() || t.Before(from) {
			from = t
		}
		if to.IsZero() || t.After(to) {
			to = t
		}
	}
	for _, r := range c.Readings {
		if !r.Empty() {
			see(r.At)
		}
	}
	for _, d := range c.Doses {
		see(d.At)
	}
	if to.Sub(from) < time.Hour {
		to = from.Add(time.Hour)
	}
	margin := to.Sub(from) / 20
	return from.Add(-margin), to.Add(margin)
}

// timeTicks are whole quarter or half hours (or hours for long sessions)
// inside the window, in the practice's zone.
func timeTicks(from, to time.Time, zone *time.Location) []time.Time {
	step := 15 * time.Minute
	switch d := to.Sub(from); {
	case d > 6*time.Hour:
		step = time.Hour
	case d > 2*time.Hour:
		step = 30 * time.Minute
	}
	start := from.In(zone).Truncate(step)
	var out []time.Time
	for t := start; !t.After(to); t = t.Add(step) {
		if !t.Before(from) {
			out = append(out, t)
		}
	}
	return out
}

func (c Chart) drawPanel(b *strings.Builder, p panel, y0 float64, x func(time.Time) float64, ticks []time.Time) {
	lo, hi := c.domain(p)
	y := func(v float64) float64 { return y0 + panelHeight - (v-float64(lo))/float64(hi-lo)*panelHeight }
	fmt.Fprintf(b, `<g class="panel"><text x="%d" y="%.1f" fill="%s" font-weight="600">%s <tspan fill="%s" font-weight="400">(%s)</tspan></text>`,
		left, y0-6, ink, esc(p.title), muted, esc(p.unit))
	fmt.Fprintf(b, `<rect x="%d" y="%.1f" width="%d" height="%d" fill="#fbfbf9" stroke="%s"/>`, left, y0, width-left-right, panelHeight, grid)
	// The practice's normal ranges, shaded and labelled on the right.
	for _, s := range p.measures {
		g := c.Ranges.For(s.m)
		if g.Low == 0 && g.High == 0 {
			continue
		}
		l, h := float64(g.Low), float64(g.High)
		if g.Low == 0 || l < float64(lo) {
			l = float64(lo)
		}
		if g.High == 0 || h > float64(hi) {
			h = float64(hi)
		}
		if h <= l {
			continue
		}
		fmt.Fprintf(b, `<rect class="range" x="%d" y="%.1f" width="%d" height="%.1f" fill="%s" stroke="%s" stroke-dasharray="3 3"><title>%s normal range %s</title></rect>`,
			left, y(h), width-left-right, y(l)-y(h), band, bandEdge, esc(s.label), esc(g.String()))
		// Named in the gutter on the right, clear of the points.
		name := "normal"
		if len(p.measures) > 1 {
			name = s.label
		}
		fmt.Fprintf(b, `<text x="%d" y="%.1f" fill="%s" font-size="12">%s</text>`, width-right+8, y(h)+12, muted, esc(name))
		fmt.Fprintf(b, `<text x="%d" y="%.1f" fill="%s" font-size="12">%s</text>`, width-right+8, y(h)+26, muted, esc(g.String()))
	}
	// Value grid lines with labels.
	for _, v := range valueTicks(lo, hi) {
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>`, left, y(float64(v)), width-right, y(float64(v)), grid)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" fill="%s" text-anchor="end">%d</text>`, left-8, y(float64(v))+4, muted, v)
	}
	for _, t := range ticks {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, x(t), y0, x(t), y0+panelHeight, grid)
	}
	for _, s := range p.measures {
		var pts []string
		for _, r := range c.Readings {
			if v, ok := r.Value(s.m); ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(r.At), y(clamp(float64(v), lo, hi))))
			}
		}
		if len(pts) > 1 {
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), s.colour)
		}
		g := c.Ranges.For(s.m)
		for _, r := range c.Readings {
			v, ok := r.Value(s.m)
			if !ok {
				continue
			}
			out := (g.Low > 0 && v < g.Low) || (g.High > 0 && v > g.High)
			px, py := x(r.At), y(clamp(float64(v), lo, hi))
			marker(b, s.shape, px, py, s.colour, out)
			if out {
				dy := -12.0
				if s.m == dosing.MeasureDiastolic || py < y0+16 {
					dy = 20
				}
				fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="%s" font-weight="700" text-anchor="middle">%d</text>`, px, py+dy, alarmInk, v)
			}
		}
	}
	b.WriteString(`</g>`)
}

// domain widens the panel's default scale to the readings and the range.
func (c Chart) domain(p panel) (int, int) {
	lo, hi := p.lo, p.hi
	for _, s := range p.measures {
		for _, r := range c.Readings {
			if v, ok := r.Value(s.m); ok {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	step := tickStep(lo, hi)
	lo = int(math.Floor(float64(lo)/float64(step))) * step
	hi = int(math.Ceil(float64(hi)/float64(step))) * step
	if lo < 0 {
		lo = 0
	}
	if hi <= lo {
		hi = lo + step
	}
	return lo, hi
}

func tickStep(lo, hi int) int {
	span := hi - lo
	for _, s := range []int{2, 5, 10, 20, 40, 50, 100} {
		if span/s <= 5 {
			return s
		}
	}
	return 200
}

func valueTicks(lo, hi int) []int {
	step := tickStep(lo, hi)
	var out []int
	for v := lo; v <= hi; v += step {
		out = append(out, v)
	}
	return out
}

func clamp(v float64, lo, hi int) float64 { return math.Max(float64(lo), math.Min(float64(hi), v)) }

// marker draws one point; a reading outside its range gets a ring as well
// as its colour, so it stands out in greyscale and to colour-blind eyes.
func marker(b *strings.Builder, shape string, x, y float64, colour string, out bool) {
	switch shape {
	case "chevron-down":
		fmt.Fprintf(b, `<path d="M%.1f %.1f l5 6 l5 -6" fill="none" stroke="%s" stroke-width="2.5"/>`, x-5, y-3, colour)
	case "chevron-up":
		fmt.Fprintf(b, `<path d="M%.1f %.1f l5 -6 l5 6" fill="none" stroke="%s" stroke-width="2.5"/>`, x-5, y+3, colour)
	case "square":
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s"/>`, x-4, y-4, colour)
	case "diamond":
		fmt.Fprintf(b, `<path d="M%.1f %.1f l5 5 l-5 5 l-5 -5 z" fill="%s"/>`, x, y-5, colour)
	default:
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>`, x, y, colour)
	}
	if out {
		fmt.Fprintf(b, `<circle class="out-of-range" cx="%.1f" cy="%.1f" r="9" fill="none" stroke="%s" stroke-width="2"/>`, x, y, alarmInk)
	}
}

// Describe says in words what the chart shows, for its desc element and
// for anyone who cannot see it.
func Describe(c Chart) string {
	zone := c.Zone
	if zone == nil {
		zone = time.UTC
	}
	n := 0
	var first, last time.Time
	outside := 0
	for _, r := range c.Readings {
		if r.Empty() {
			continue
		}
		n++
		if first.IsZero() || r.At.Before(first) {
			first = r.At
		}
		if r.At.After(last) {
			last = r.At
		}
		for _, m := range dosing.Measures() {
			if v, ok := r.Value(m); ok {
				g := c.Ranges.For(m)
				if (g.Low > 0 && v < g.Low) || (g.High > 0 && v > g.High) {
					outside++
				}
			}
		}
	}
	if n == 0 {
		return "No vitals have been recorded."
	}
	s := plural(n, "reading") + " from " + first.In(zone).Format("15:04") + " to " + last.In(zone).Format("15:04")
	if len(c.Doses) > 0 {
		var ds []string
		for _, d := range c.Doses {
			t := d.At.In(zone).Format("15:04")
			if d.Label != "" {
				t += " (" + d.Label + ")"
			}
			ds = append(ds, t)
		}
		s += "; doses at " + strings.Join(ds, ", ")
	}
	if outside == 0 {
		s += "; every value within the practice's ranges."
	} else {
		s += "; " + plural(outside, "value") + " outside the practice's ranges, ringed and labelled."
	}
	return s + " The readings are also listed in a table."
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func esc(s string) string { return html.EscapeString(s) }
