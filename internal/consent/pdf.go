package consent

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// PDFRecord is what the PDF of a signed consent shows.
type PDFRecord struct {
	PracticeName    string
	ClientLegalName string
	Version         Version
	Signature       Signature
	// Zone is the practice's time zone; times are shown in it and in UTC.
	Zone      *time.Location
	Generated time.Time
}

// WritePDF draws a signed consent: the document's text, the client's
// signature with its meaning, time, address and browser, the
// countersignature and revocation if any, and the SHA-256 the signature is
// bound to. Names and text are drawn in the fonts of fonts.go; the hash,
// as the footer says, is of the UTF-8 text the portal showed, which
// holdspace keeps.
func WritePDF(w io.Writer, r PDFRecord) error {
	zone := r.Zone
	if zone == nil {
		zone = time.UTC
	}
	pdf := fpdf.New("P", "mm", "Letter", "")
	sig := r.Signature
	texts := []string{r.PracticeName, r.ClientLegalName, r.Version.Title, r.Version.Body, sig.TypedName, sig.UserAgent}
	if cs := sig.Countersignature; cs != nil {
		texts = append(texts, cs.PrintedName)
	}
	if rv := sig.Revocation; rv != nil {
		texts = append(texts, rv.ByName, rv.Reason)
	}
	addFonts(pdf, hasCJK(texts...))
	p := &page{Fpdf: pdf, left: 20}
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 24)
	pdf.AliasNbPages("{nb}")
	pdf.SetTitle(r.Version.Label(), false)
	pdf.SetAuthor(r.PracticeName, false)
	pdf.SetCreator("holdspace", false)
	// The hash in the document's properties, where a program can read it
	// without parsing the pages.
	pdf.SetSubject("Signed consent; SHA-256 "+r.Signature.TextSHA256, false)
	pdf.SetKeywords("sha256:"+r.Signature.TextSHA256, false)
	pdf.SetCreationDate(r.Generated)
	pdf.SetModificationDate(r.Generated)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-20)
		pdf.SetDrawColor(200, 204, 198)
		pdf.Line(20, pdf.GetY(), 195.9, pdf.GetY())
		pdf.Ln(1.5)
		pdf.SetTextColor(91, 106, 113)
		p.text("", 7.5, 3.4, "SHA-256 "+sig.TextSHA256+" is the hash of the UTF-8 text of this document as shown in the client portal, which the practice keeps.")
		p.text("", 7.5, 3.4, fmt.Sprintf("%s · %s · page %d of {nb}", r.PracticeName, r.Version.Label(), pdf.PageNo()))
	})
	pdf.AddPage()

	pdf.SetTextColor(91, 106, 113)
	p.text("", 9, 5, r.PracticeName)
	pdf.SetTextColor(31, 42, 48)
	p.text("B", 16, 7.5, r.Version.Title)
	pdf.SetTextColor(91, 106, 113)
	line := fmt.Sprintf("Version %d", r.Version.Number)
	if r.Version.PublishedAt != nil {
		line += ", published " + r.Version.PublishedAt.In(zone).Format("2 January 2006")
	}
	p.text("", 9.5, 6, line)
	pdf.Ln(3)
	pdf.SetTextColor(31, 42, 48)

	for _, b := range Blocks(r.Version.Body) {
		switch {
		case b.Heading != "":
			pdf.Ln(2.5)
			p.text("B", 12, 6, b.Heading)
			pdf.Ln(0.8)
		case len(b.Items) > 0:
			for _, it := range b.Items {
				pdf.SetX(24)
				pdf.SetFont(fontText, "", 10.5)
				pdf.CellFormat(4, 5.2, "•", "", 0, "L", false, 0, "")
				p.text("", 10.5, 5.2, it)
				pdf.Ln(0.6)
			}
			pdf.Ln(1.2)
		default:
			p.text("", 10.5, 5.2, b.Text)
			pdf.Ln(2)
		}
	}

	when := func(t time.Time) string {
		return t.In(zone).Format("2 January 2006, 15:04 MST") + " (" + t.UTC().Format("2006-01-02 15:04:05 UTC") + ")"
	}
	// section starts a block of facts, on a new page when the block
	// (about need mm tall) would not fit above the footer.
	section := func(title string, need float64) {
		pdf.Ln(4)
		_, pageHeight := pdf.GetPageSize()
		if pdf.GetY()+need > pageHeight-24 {
			pdf.AddPage()
		}
		pdf.SetDrawColor(47, 111, 106)
		pdf.Line(20, pdf.GetY(), 195.9, pdf.GetY())
		pdf.Ln(2)
		p.text("B", 12, 7, title)
	}
	fact := func(label, value string) {
		pdf.SetFont(fontText, "B", 9.5)
		pdf.CellFormat(42, 5.2, label, "", 0, "L", false, 0, "")
		p.text("", 9.5, 5.2, value)
	}

	section("Signature of the client", 66)
	fact("Signed by", sig.TypedName+" (typed full legal name)")
	if r.ClientLegalName != "" {
		fact("Legal name on file", r.ClientLegalName)
	}
	fact("Meaning", "Consent: \"I have read this document, had the chance to ask questions, and agree.\"")
	fact("Agreement", yesNo(sig.Agreed, "Box ticked by the signer", "Not given"))
	fact("Signed at", when(sig.SignedAt))
	fact("Network address", dash(sig.Address))
	fact("Browser", dash(sig.UserAgent))
	pdf.SetFont(fontText, "B", 9.5)
	pdf.CellFormat(42, 5.2, "Text SHA-256", "", 0, "L", false, 0, "")
	pdf.SetFont(fontMono, "", 8.5)
	pdf.MultiCell(0, 5.2, sig.TextSHA256, "", "L", false)
	if sig.Verified {
		fact("Bound to the text", "Yes: the text above, as held today, has this SHA-256, computed by the practice's server when the client signed.")
	} else {
		pdf.SetTextColor(163, 39, 31)
		fact("Bound to the text", "NO: the text held today does not have this SHA-256. It is not the text that was signed.")
		pdf.SetTextColor(31, 42, 48)
	}

	if cs := sig.Countersignature; cs != nil {
		section("Countersignature", 25)
		fact("Signed by", cs.PrintedName)
		fact("Meaning", "Witness: the clinician witnessed the client's consent.")
		fact("Signed at", when(cs.SignedAt))
	}
	if rv := sig.Revocation; rv != nil {
		section("Consent withdrawn", 32)
		who := rv.ByName + " (the client)"
		if rv.ByKind == "staff" {
			who = rv.ByName + ", recording what the client said"
		}
		fact("Withdrawn at", when(rv.At))
		fact("Recorded by", who)
		fact("Reason", dash(rv.Reason))
		fact("Effect", "This consent stopped applying when it was withdrawn.")
	}

	pdf.Ln(4)
	pdf.SetTextColor(91, 106, 113)
	p.text("", 9, 5.2, "Generated "+when(r.Generated)+".")
	return pdf.Output(w)
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
