package consent

import (
	"embed"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// The consent PDF draws with fonts it carries, not the PDF core fonts,
// which know only Windows-1252: a client named Σοφία, Дмитрий or 王芳 must
// see their own name on what they signed. DejaVu covers Latin, Greek,
// Cyrillic and much more; Droid Sans Fallback covers Chinese, Japanese and
// Korean. Their licences are beside them in fonts/. Right-to-left scripts
// and scripts that need shaping (Arabic joining, Indic conjuncts) are
// drawn letter by letter, unshaped: not covered yet.
//
//go:embed fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf fonts/DejaVuSansMono.ttf fonts/DroidSansFallbackFull.ttf
var fontFiles embed.FS

const (
	fontText = "dejavu"
	fontMono = "dejavumono"
	fontCJK  = "droid"
)

func mustFont(name string) []byte {
	b, err := fontFiles.ReadFile("fonts/" + name)
	if err != nil {
		panic("consent: embedded font missing: " + err.Error())
	}
	return b
}

// addFonts registers the text and mono fonts, and the CJK font only when
// the document needs it: it is 4 MB to parse, and most consents never
// use it.
func addFonts(pdf *fpdf.Fpdf, needCJK bool) {
	pdf.AddUTF8FontFromBytes(fontText, "", mustFont("DejaVuSans.ttf"))
	pdf.AddUTF8FontFromBytes(fontText, "B", mustFont("DejaVuSans-Bold.ttf"))
	pdf.AddUTF8FontFromBytes(fontMono, "", mustFont("DejaVuSansMono.ttf"))
	if needCJK {
		cjk := mustFont("DroidSansFallbackFull.ttf")
		// One weight only: bold CJK text is drawn regular.
		pdf.AddUTF8FontFromBytes(fontCJK, "", cjk)
		pdf.AddUTF8FontFromBytes(fontCJK, "B", cjk)
	}
}

// isCJK says whether r is drawn with the CJK font: Han, kana, Hangul,
// Bopomofo, CJK punctuation and full-width forms.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

func hasCJK(texts ...string) bool {
	for _, s := range texts {
		for _, r := range s {
			if isCJK(r) {
				return true
			}
		}
	}
	return false
}

// run is a stretch of text drawn with one font.
type run struct {
	cjk  bool
	text string
}

// runs splits s where it passes between CJK and other text. Spaces and
// punctuation shared by both stay with the run they sit in.
func runs(s string) []run {
	var out []run
	start, cur := 0, false
	for i, r := range s {
		c := isCJK(r)
		if r == ' ' || r == '\n' {
			c = cur
		}
		if i > start && c != cur {
			out = append(out, run{cur, s[start:i]})
			start = i
		}
		cur = c
	}
	if start < len(s) {
		out = append(out, run{cur, s[start:]})
	}
	return out
}

// page draws text in the document's fonts.
type page struct {
	*fpdf.Fpdf
	left float64 // the page's left margin, to come back to
}

// text draws s from the current position to the right margin, wrapping
// onto lines that start where s started, then moves below it: what
// MultiCell does, for text that may change font mid-line.
func (p *page) text(style string, size, lineHeight float64, s string) {
	x := p.GetX()
	p.SetLeftMargin(x)
	for _, r := range runs(s) {
		family := fontText
		if r.cjk {
			family = fontCJK
		}
		p.SetFont(family, style, size)
		p.Write(lineHeight, r.text)
	}
	p.Ln(lineHeight)
	p.SetLeftMargin(p.left)
	p.SetX(p.left)
}
