package scorechart

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func sample() Chart {
	at := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	return Chart{
		Title: "PHQ-9", Description: "PHQ-9 fell from 18 to 7.", Min: 0, Max: 27,
		Bands:   []Band{{0, 4, "Minimal"}, {5, 9, "Mild"}, {10, 14, "Moderate"}, {15, 19, "Moderately severe"}, {20, 27, "Severe"}},
		Points:  []Point{{at, 18}, {at.AddDate(0, 0, 10), 12}, {at.AddDate(0, 0, 30), 7}},
		Markers: []Marker{{at.AddDate(0, 0, 2), "S1"}, {at.AddDate(0, 0, 5), "S2 <b>"}},
	}
}

func TestTheChartIsWellFormedSVG(t *testing.T) {
	svg := SVG(sample())
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
	for _, want := range []string{`role="img"`, "<title", "PHQ-9 fell from 18 to 7.", "Moderately severe", `stroke-dasharray`, "S2 &lt;b&gt;", "<polyline"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "<b>") {
		t.Error("a label was not escaped")
	}
}

// Higher scores sit higher: the baseline 18 is drawn above the later 7.
func TestHigherScoresAreDrawnHigher(t *testing.T) {
	svg := SVG(sample())
	i18, i7 := strings.Index(svg, ">18</text>"), strings.Index(svg, ">7</text>")
	y := func(i int) string {
		j := strings.LastIndex(svg[:i], `y="`)
		return svg[j+3 : j+3+strings.Index(svg[j+3:], `"`)]
	}
	if i18 < 0 || i7 < 0 || !(atof(y(i18)) < atof(y(i7))) {
		t.Errorf("18 at y=%s, 7 at y=%s; want 18 above", y(i18), y(i7))
	}
}

func TestAChartWithOnePointOrNoneStillDraws(t *testing.T) {
	c := sample()
	c.Points, c.Markers = c.Points[:1], nil
	if svg := SVG(c); !strings.Contains(svg, "<circle") {
		t.Error("one point was not drawn")
	}
	c.Points = nil
	if svg := SVG(c); !strings.HasPrefix(svg, "<svg") || !strings.HasSuffix(svg, "</svg>") {
		t.Error("an empty chart is not an SVG")
	}
}

func atof(s string) float64 {
	var f float64
	for _, r := range s {
		if r == '.' {
			break
		}
		f = f*10 + float64(r-'0')
	}
	return f
}
