package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"holdspace/internal/hazard"

	"holdspace/internal/textlimit"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Templates are parsed once at start: every page template is joined to the
// layout and the shared partials.
type Templates struct {
	pages map[string]*template.Template
}

// Funcs available in every template. Times are always shown in the
// practice's zone by the "local" family; nothing prints a raw UTC time.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"inline":           hazard.Inline,
		"importFieldLabel": importFieldLabel,
		"local": func(t time.Time, zone *time.Location) string {
			if t.IsZero() {
				return ""
			}
			return t.In(zone).Format("Mon 2 Jan 2006, 15:04 MST")
		},
		"localDate": func(t time.Time, zone *time.Location) string {
			if t.IsZero() {
				return ""
			}
			return t.In(zone).Format("2 Jan 2006")
		},
		"join": strings.Join,
		// inc numbers rows from 1 for labels.
		"inc": func(i int) int { return i + 1 },
		// maxlength is a field's limit from the limits table, for inputs
		// drawn by hand rather than by the "field" template.
		"maxlength": func(name string) int { return textlimit.For(name).Max },
		// pngData lets a PNG data URL (the QR code holdspace draws) into
		// an src attribute; anything else is refused.
		"pngData": func(s string) template.URL {
			if strings.HasPrefix(s, "data:image/png;base64,") && !strings.ContainsAny(s, "\"'<> ") {
				return template.URL(s)
			}
			return ""
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs pairs")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m, nil
		},
	}
}

// ParseTemplates reads every page under templates/.
func ParseTemplates() (*Templates, error) {
	base, err := template.New("").Funcs(templateFuncs()).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}}
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		name := strings.TrimPrefix(p, "templates/")
		if name == "layout.html" || strings.HasPrefix(name, "partials/") {
			return nil
		}
		clone, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := clone.ParseFS(templateFS, p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		t.pages[strings.TrimSuffix(name, path.Ext(name))] = clone
		return nil
	})
	return t, err
}

// Pages lists the page names, for the test that executes every template.
func (t *Templates) Pages() []string {
	names := make([]string, 0, len(t.pages))
	for n := range t.pages {
		names = append(names, n)
	}
	return names
}

// Render executes a page into a buffer first, so a template error becomes
// a clean 500 instead of half a page.
func (t *Templates) Render(w http.ResponseWriter, status int, name string, p *Page) error {
	tmpl, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("%w: %v", errClientGone, err)
	}
	return nil
}

// errClientGone marks a page that was rendered but could not be sent: the
// browser went away. The status is already written, so there is nothing
// to tell anyone but the log.
var errClientGone = errors.New("the page could not be sent")

// Page is what every page template receives.
type Page struct {
	Title        string
	Version      string
	AssetVersion string
	RequestID    string
	PracticeName string
	Zone         *time.Location
	Actor        string
	Nav          []NavItem
	Banners      []Banner
	Flash        *Flash
	IdleSeconds  int
	Form         *Form
	Data         any
}

// NavItem is one link of the main navigation.
type NavItem struct {
	Label, Href string
	Current     bool
}

// Banner is a message at the top of every page, such as an open safety
// alert for the care team.
type Banner struct {
	Kind, Text, Href, Link string
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind string // ok, info, warn, error
	Text string
}
