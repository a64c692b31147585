package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// NormaliseText is the form a document's text is stored in: line breaks as
// "\n", no trailing spaces on a line, no blank lines at either end. Forms
// send "\r\n"; storing one form means the hash of what a person reads does
// not depend on the browser that sent it.
func NormaliseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// Hash is the hex SHA-256 of text's UTF-8 bytes: what a signature is bound
// to.
func Hash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// NameMatches reports whether a typed name is the legal name on file,
// ignoring capitals and spacing ("alex  rivera" matches "Alex Rivera").
func NameMatches(typed, legal string) bool {
	t, l := strings.Fields(typed), strings.Fields(legal)
	if len(t) == 0 || len(t) != len(l) {
		return false
	}
	for i := range t {
		if !strings.EqualFold(t[i], l[i]) {
			return false
		}
	}
	return true
}

// Block is one part of a document as shown: a heading, a paragraph or a
// list. The stored text marks headings with "## " at the start of a line
// and list items with "- "; everything else is paragraphs separated by a
// blank line.
type Block struct {
	Heading string
	Text    string
	Items   []string
}

// Blocks splits a document's text into what pages and the PDF draw.
func Blocks(text string) []Block {
	var out []Block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Text: strings.Join(para, " ")})
			para = nil
		}
	}
	for _, line := range strings.Split(NormaliseText(text), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == "":
			flush()
		case strings.HasPrefix(l, "## "):
			flush()
			out = append(out, Block{Heading: strings.TrimSpace(l[3:])})
		case strings.HasPrefix(l, "- "):
			flush()
			item := strings.TrimSpace(l[2:])
			if n := len(out); n > 0 && len(out[n-1].Items) > 0 {
				out[n-1].Items = append(out[n-1].Items, item)
			} else {
				out = append(out, Block{Items: []string{item}})
			}
		default:
			para = append(para, l)
		}
	}
	flush()
	return out
}
