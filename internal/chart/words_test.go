package chart

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
)

// actionShape is how a trail action is spelled: record and verb.
var actionShape = regexp.MustCompile(`^[a-z_]+\.[a-z_]+$`)

// writers are the functions that put an action on the trail, by name;
// their string arguments of the action's shape are actions.
var writers = map[string]bool{"log": true, "record": true, "audited": true, "audit": true, "trail": true}

// trailActions walks holdspace's source for every action that can be
// written to the trail: the access actions (constants of type Action) and
// the action strings handed to the trail's writers or set in an
// audit.Entry, so a new one is found without anyone listing it.
func trailActions(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset := token.NewFileSet()
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		lit := func(e ast.Expr) {
			b, ok := e.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return
			}
			s, _ := strconv.Unquote(b.Value)
			if actionShape.MatchString(s) {
				found[s] = fset.Position(b.Pos()).String()
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Action" {
					for _, v := range n.Values {
						lit(v)
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if writers[name] {
					for _, a := range n.Args {
						lit(a)
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == "action" && i < len(n.Rhs) {
						lit(n.Rhs[i])
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Action" {
					lit(n.Value)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// An appointment's trail action is "appointment." and its new status.
	for _, st := range []schedule.Status{schedule.Booked, schedule.Cancelled, schedule.Held, schedule.Missed} {
		found["appointment."+string(st)] = "schedule.Status"
	}
	return found
}

func TestEveryActionReadsInWords(t *testing.T) {
	actions := trailActions(t)
	// The walk must find the actions it is there to find, or it proves
	// nothing.
	for _, want := range []string{"client.read", "portal.use", "consent.export", "appointment.book", "break_glass.granted", "inquiry.convert"} {
		if _, ok := actions[want]; !ok {
			t.Errorf("the walk of the source did not find %q", want)
		}
	}
	for a, where := range actions {
		if _, ok := actionWords[a]; !ok {
			t.Errorf("the action %q (%s) has no sentence in actionWords: a client's list of disclosures would show it as a code", a, where)
		}
	}
	for a, s := range actionWords {
		if !strings.HasPrefix(s, "{who} ") && a != "text.reencoded" {
			t.Errorf("the sentence of %q does not begin with who acted: %q", a, s)
		}
	}
}

func TestADisclosureReadsAsASentence(t *testing.T) {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	for _, c := range []struct {
		d       clinic.Disclosure
		whose   string
		whom    string
		want    string
		outside bool
	}{
		{clinic.Disclosure{At: at, ActorKind: "staff", ActorName: "Dr. Priya Raman", Action: "client.read", RecordType: "client", Outcome: "allowed"},
			"your", "you", "Dr. Priya Raman opened your chart.", false},
		{clinic.Disclosure{At: at, ActorKind: "staff", ActorName: "Sam Okafor", Action: "client.read", RecordType: "session_record", Outcome: "allowed"},
			"Alex Rivera’s", "Alex Rivera", "Sam Okafor opened Alex Rivera’s medicine session record.", false},
		{clinic.Disclosure{At: at, ActorKind: "staff", ActorName: "Morgan Avery", Action: "consent.export", RecordType: "consent_signature", Outcome: "allowed"},
			"your", "you", "Morgan Avery downloaded the signed PDF of your consent.", true},
		{clinic.Disclosure{At: at, ActorKind: "api", ActorName: "Sam Okafor", Integration: "Billing sync", Action: "client.read", RecordType: "client_details", Outcome: "allowed"},
			"your", "you", "The integration “Billing sync”, with Sam Okafor’s API token, opened your contact details.", true},
		{clinic.Disclosure{At: at, ActorKind: "staff", ActorName: "Elena Brooks", Action: "client.read", RecordType: "client", Outcome: "denied"},
			"Alex Rivera’s", "Alex Rivera", "Refused: Elena Brooks opened Alex Rivera’s chart.", false},
	} {
		got := inWords(c.d, c.whose, c.whom)
		if got.Sentence != c.want || got.Outside != c.outside {
			t.Errorf("%s by %s: %q (outside %v), want %q (outside %v)", c.d.Action, c.d.ActorName, got.Sentence, got.Outside, c.want, c.outside)
		}
	}
}
