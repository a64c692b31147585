// Package hazard reads holdspace's clinical hazard log (docs/HAZARDS.md):
// every clinical rule holdspace enforces, with its hazard, cause, control,
// default and bounds, published source and the tests that prove the
// control. The log is kept with the code; a test fails when a row names a
// test that does not exist, and staff read it in the app.
package hazard

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
)

// Columns are the log table's header, in order.
var Columns = []string{"id", "hazard", "cause", "control in holdspace", "default and bounds", "source", "tests"}

// Row is one clinical rule.
type Row struct {
	ID, Hazard, Cause, Control, Bounds, Source string
	Tests                                      []string
}

// Log is the parsed document: what comes before the table, the rows, and
// what comes after.
type Log struct {
	Intro []Block
	Rows  []Row
	After []Block
}

// Block is a heading, a paragraph or a list of the prose around the table.
type Block struct {
	Heading int // 1 to 3 for a heading, 0 otherwise
	Text    string
	Items   []string
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
var testPattern = regexp.MustCompile(`^Test[A-Za-z0-9_]+$`)

// Parse reads the log. It refuses a table whose header is not Columns, a
// row with an empty cell or the wrong number of cells, an id that is not
// kebab-case or repeats, and a tests cell that names anything but test
// functions.
func Parse(md string) (*Log, error) {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	l := &Log{}
	var prose []string
	state := 0 // 0 before the table, 1 in it, 2 after
	seen := map[string]bool{}
	for n, line := range lines {
		trimmed := strings.TrimSpace(line)
		isRow := strings.HasPrefix(trimmed, "|")
		switch {
		case state == 0 && isRow:
			cells := split(trimmed)
			if strings.Join(cells, "|") != strings.Join(Columns, "|") {
				return nil, fmt.Errorf("line %d: the table's header must be | %s |", n+1, strings.Join(Columns, " | "))
			}
			l.Intro = blocks(prose)
			prose = nil
			state = 1
		case state == 1 && isRow:
			cells := split(trimmed)
			if isRule(cells) {
				continue
			}
			if len(cells) != len(Columns) {
				return nil, fmt.Errorf("line %d: %d cells; a row has %d", n+1, len(cells), len(Columns))
			}
			for i, c := range cells {
				if c == "" {
					return nil, fmt.Errorf("line %d: the %s cell is empty", n+1, Columns[i])
				}
			}
			r := Row{ID: cells[0], Hazard: cells[1], Cause: cells[2], Control: cells[3], Bounds: cells[4], Source: cells[5]}
			r.ID = strings.Trim(r.ID, "`")
			if !idPattern.MatchString(r.ID) {
				return nil, fmt.Errorf("line %d: id %q is not kebab-case", n+1, r.ID)
			}
			if seen[r.ID] {
				return nil, fmt.Errorf("line %d: id %q is used twice", n+1, r.ID)
			}
			seen[r.ID] = true
			for _, t := range strings.Split(cells[6], ",") {
				t = strings.Trim(strings.TrimSpace(t), "`")
				if !testPattern.MatchString(t) {
					return nil, fmt.Errorf("line %d (%s): %q is not a test function name", n+1, r.ID, t)
				}
				r.Tests = append(r.Tests, t)
			}
			l.Rows = append(l.Rows, r)
		case state == 1:
			state = 2
			prose = append(prose, line)
		default:
			prose = append(prose, line)
		}
	}
	if state == 0 {
		return nil, fmt.Errorf("no table with the header | %s |", strings.Join(Columns, " | "))
	}
	if state == 1 {
		l.After = nil
	} else {
		l.After = blocks(prose)
	}
	return l, nil
}

func split(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	parts := strings.Split(row, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func isRule(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, "-: ") != "" {
			return false
		}
	}
	return true
}

// blocks groups prose lines into headings, paragraphs and lists.
func blocks(lines []string) []Block {
	var out []Block
	var para []string
	var items []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Text: strings.Join(para, " ")})
			para = nil
		}
		if len(items) > 0 {
			out = append(out, Block{Items: items})
			items = nil
		}
	}
	for _, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "#"):
			flush()
			level := len(t) - len(strings.TrimLeft(t, "#"))
			out = append(out, Block{Heading: min(level, 3), Text: strings.TrimSpace(strings.TrimLeft(t, "#"))})
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			if len(para) > 0 {
				out = append(out, Block{Text: strings.Join(para, " ")})
				para = nil
			}
			items = append(items, strings.TrimSpace(t[2:]))
		case len(items) > 0 && strings.HasPrefix(line, "  "):
			items[len(items)-1] += " " + t
		default:
			if len(items) > 0 {
				flush()
			}
			para = append(para, t)
		}
	}
	flush()
	return out
}

var (
	codeSpan = regexp.MustCompile("`([^`]+)`")
	strong   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	link     = regexp.MustCompile(`\[([^\]]+)\]\(#([a-z0-9-]+)\)`)
)

// Inline renders the little markdown the log uses inside text: code
// spans, bold and links to a row (#id). Everything else is escaped.
func Inline(s string) template.HTML {
	out := html.EscapeString(s)
	out = codeSpan.ReplaceAllString(out, "<code>$1</code>")
	out = strong.ReplaceAllString(out, "<strong>$1</strong>")
	out = link.ReplaceAllString(out, `<a href="#$2">$1</a>`)
	return template.HTML(out)
}
