// Package scorechart draws one instrument's scores over time as a small
// SVG, on the server and in pure Go, so a chart needs no script, prints
// and can go into a PDF. Severity bands are shaded behind the line,
// medicine sessions are marked as dashed lines, and the chart carries a
// title and a text description for screen readers.
package scorechart

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// Band is a severity band over the score, inclusive at both ends.
type Band struct {
	Min, Max int
	Label    string
}

// Point is one score at the time it was given.
type Point struct {
	At    time.Time
	Value int
}

// Marker is a moment to mark, such as a medicine session.
type Marker struct {
	At    time.Time
	Label string
}

// Chart is what to draw. Min and Max bound the score axis; Zone is where
// dates are read.
type Chart struct {
	Title       string
	Description string
	Min, Max    int
	Bands       []Band
	Points      []Point
	Markers     []Marker
	Zone        *time.Location
	// Width and Height in CSS pixels of the drawing's coordinate space;
	// the SVG scales to its container. Zero gives 640×260.
	Width, Height int
}

const (
	padLeft, padRight, padTop, padBottom = 44, 110, 28, 34
)

// Shades for bands from least to most severe: calm to warm, light enough
// for dark text on top.
var shades = []string{"#e8f3ec", "#f3f4e4", "#fbf0dc", "#fbe5d8", "#f8dad8", "#f3d0d6"}

// SVG returns the chart as an SVG element, safe to place in HTML: every
// text it carries is escaped.
func SVG(c Chart) string {
	w, h := c.Width, c.Height
	if w <= 0 || h <= 0 {
		w, h = 640, 260
	}
	zone := c.Zone
	if zone == nil {
		zone = time.UTC
	}
	if c.Max <= c.Min {
		c.Max = c.Min + 1
	}
	plotW, plotH := float64(w-padLeft-padRight), float64(h-padTop-padBottom)
	first, last := span(c)
	x := func(t time.Time) float64 {
		if !last.After(first) {
			return float64(padLeft) + plotW/2
		}
		return float64(padLeft) + plotW*float64(t.Sub(first))/float64(last.Sub(first))
	}
	y := func(v float64) float64 {
		return float64(padTop) + plotH*(1-(v-float64(c.Min))/float64(c.Max-c.Min))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="scorechart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d">`, w, h, id(c.Title), id(c.Title))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id(c.Title), esc(c.Title), id(c.Title), esc(c.Description))
	// Bands: the span of each band, half a point beyond its edges so
	// adjacent bands meet.
	for i, band := range c.Bands {
		top, bottom := y(float64(band.Max)+0.5), y(float64(band.Min)-0.5)
		top, bottom = clamp(top, padTop, float64(h-padBottom)), clamp(bottom, padTop, float64(h-padBottom))
		shade := shades[min(i, len(shades)-1)]
		if len(c.Bands) < len(shades) && i == len(c.Bands)-1 {
			shade = shades[len(shades)-1]
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, padLeft, top, plotW, bottom-top, shade)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="band" font-size="11" fill="#4a4a4a">%s</text>`, float64(padLeft)+plotW+6, (top+bottom)/2+4, esc(band.Label))
	}
	// Score axis: the range ends and each band's lower edge.
	ticks := map[int]bool{c.Min: true, c.Max: true}
	for _, band := range c.Bands {
		ticks[band.Min] = true
	}
	for v := range ticks {
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="#4a4a4a">%d</text>`, padLeft-6, y(float64(v))+4, v)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8a8a8a"/>`, padLeft, h-padBottom, w-padRight, h-padBottom)
	for _, m := range c.Markers {
		mx := x(m.At)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#5b4a8b" stroke-dasharray="4 3"/>`, mx, padTop, mx, h-padBottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10" fill="#5b4a8b">%s</text>`, mx, padTop-8, esc(m.Label))
	}
	if len(c.Points) > 0 {
		var pts []string
		for _, p := range c.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.At), y(float64(p.Value))))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#1f4e79" stroke-width="2"/>`, strings.Join(pts, " "))
		for _, p := range c.Points {
			px, py := x(p.At), y(float64(p.Value))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#1f4e79"><title>%s: %d</title></circle>`, px, py, p.At.In(zone).Format("2 Jan 2006"), p.Value)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="#1a1a1a">%d</text>`, px, py-8, p.Value)
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#4a4a4a">%s</text>`, padLeft, h-padBottom+18, first.In(zone).Format("2 Jan 2006"))
	if last.After(first) {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="11" fill="#4a4a4a">%s</text>`, w-padRight, h-padBottom+18, last.In(zone).Format("2 Jan 2006"))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// span is the first and last moment the chart shows: every point and
// marker, with a day either side so nothing sits on the edge.
func span(c Chart) (time.Time, time.Time) {
	var first, last time.Time
	see := func(t time.Time) {
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if last.IsZero() || t.After(last) {
			last = t
		}
	}
	for _, p := range c.Points {
		see(p.At)
	}
	for _, m := range c.Markers {
		see(m.At)
	}
	if first.IsZero() {
		return first, last
	}
	return first.Add(-24 * time.Hour), last.Add(24 * time.Hour)
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(v, hi)) }

func esc(s string) string { return html.EscapeString(s) }

// id makes an element id from the title, so two charts on a page do not
// share one.
func id(title string) string {
	var b strings.Builder
	b.WriteString("chart-")
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
