package dosing

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// num rounds for display only; every comparison uses the unrounded value.
func num(v float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	return strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
}

// numsApart shows a value that broke a limit and the limit itself, adding decimals when rounding
// would make the two look equal: "100 mg is above 100 mg" would send the clinician hunting.
func numsApart(v, limit float64, decimals int) (string, string) {
	for d := decimals; d <= 6; d++ {
		a, b := num(v, d), num(limit, d)
		if a != b {
			return a, b
		}
	}
	return num(v, decimals), num(limit, decimals)
}

// exceeds tolerates float noise so that a dose exactly at a mg/kg limit (35.15 mg at 70.3 kg
// against 0.5 mg/kg) is not refused because of the last binary digit.
func exceeds(v, limit float64) bool {
	return v > limit && v-limit > 1e-9*math.Max(1, math.Abs(limit))
}

// span writes a duration the way staff say it: "45 min", "1 h 25 min", "48 h", "9 days 4 h".
// Hours run up to three days because spacing is set and spoken in hours.
func span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Minute)
	if d >= 72*time.Hour {
		days := d / (24 * time.Hour)
		h := (d % (24 * time.Hour)) / time.Hour
		m := (d % time.Hour) / time.Minute
		parts := []string{fmt.Sprintf("%d days", days)}
		if h > 0 {
			parts = append(parts, fmt.Sprintf("%d h", h))
		}
		if m > 0 {
			parts = append(parts, fmt.Sprintf("%d min", m))
		}
		return strings.Join(parts, " ")
	}
	h := d / time.Hour
	m := (d % time.Hour) / time.Minute
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d h %d min", h, m)
	}
}

// Times are shown in the location they arrive in; the caller converts to the practice's zone.
func when(t time.Time) string  { return t.Format("Mon 2 Jan 2006 15:04") }
func day(t time.Time) string   { return t.Format("Mon 2 Jan 2006") }
func clock(t time.Time) string { return t.Format("15:04") }

// calendarDays counts days between two dates in the zone of to, so a weight taken on the morning
// of 2 Jan is "one day old" on 3 Jan whatever the hours.
func calendarDays(from, to time.Time) int {
	f := from.In(to.Location())
	fy, fm, fd := f.Date()
	ty, tm, td := to.Date()
	a := time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC)
	b := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a) / (24 * time.Hour))
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
