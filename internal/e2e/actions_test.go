package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The helpers here find things as a person does, by the words on the
// screen, and fail the test with what they looked for. They use XPath
// through DOM.performSearch, which needs no page script, so they work in
// a browser from withoutJavaScript too.

// findTimeout bounds the wait for an element that should be on the page
// already, so that a missing one fails its step quickly and by name.
const findTimeout = 15 * time.Second

// visit opens a page, waits for it to load and returns its response.
func visit(t *testing.T, ctx context.Context, address string) *network.Response {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(address))
	if err != nil {
		t.Fatalf("opening %s: %v", address, err)
	}
	return resp
}

// header reads a response header whatever its case.
func header(resp *network.Response, name string) string {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

// fill types value into the form field whose label reads labelOrName, or
// whose name attribute is labelOrName, replacing what it held; for a
// select it chooses the option with that value or that text.
func fill(t *testing.T, ctx context.Context, labelOrName, value string) {
	t.Helper()
	l := xpathLiteral(labelOrName)
	control := "(self::input or self::textarea or self::select)"
	labelled := fmt.Sprintf("//label[normalize-space(text())=%s or normalize-space(.)=%s]", l, l)
	xp := fmt.Sprintf("//*[%s and (@name=%s or @id=%s/@for)] | %s//*[%s]", control, l, labelled, labelled, control)
	n := one(t, ctx, xp, "a form field labelled or named "+l)
	id := chromedp.NodeIDs{n.NodeID}
	if n.NodeName == "SELECT" {
		option := one(t, ctx, fmt.Sprintf("(%s)/option[@value=%s or normalize-space(.)=%s]", xpathFor(n), xpathLiteral(value), xpathLiteral(value)),
			"an option "+xpathLiteral(value)+" in the list "+l)
		if err := chromedp.Do(ctx, chromedp.SetValue(id, option.AttributeValue("value"))); err != nil {
			t.Fatalf("choosing %q in %s: %v", value, l, err)
		}
		return
	}
	// Select what the field holds and type over it, as a person would;
	// chromedp.Clear only resets the value attribute, which a field
	// typed into before no longer follows.
	err := chromedp.Do(ctx,
		chromedp.Focus(id),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			obj, err := cdp.Call(ctx, t, dom.ResolveNode, dom.ResolveNodeParams{NodeID: n.NodeID})
			if err != nil {
				return err
			}
			defer cdp.Call(ctx, t, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: obj.Object.ObjectID})
			_, err = cdp.Call(ctx, t, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
				FunctionDeclaration: `function() { this.select(); }`,
				ObjectID:            obj.Object.ObjectID,
			})
			return err
		}),
		chromedp.SendKeys(id, kb.Delete+value),
	)
	if err != nil {
		t.Fatalf("filling %s: %v", l, err)
	}
}

// clickButton clicks the button that reads text, waits for the page it
// leads to and returns that page's response. Holdspace's buttons submit
// forms, so a button that loads no page fails the test when the browser's
// time runs out: use press for a button that stays on the page.
func clickButton(t *testing.T, ctx context.Context, text string) *network.Response {
	t.Helper()
	n := one(t, ctx, buttonXPath(text), "a button reading "+xpathLiteral(text))
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID}))
	if err != nil {
		t.Fatalf("clicking the button %q: %v", text, err)
	}
	return resp
}

// press clicks the button that reads text and waits for no page.
func press(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	n := one(t, ctx, buttonXPath(text), "a button reading "+xpathLiteral(text))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("clicking the button %q: %v", text, err)
	}
}

// clickLink follows the link that reads text and returns the response of
// the page it leads to.
func clickLink(t *testing.T, ctx context.Context, text string) *network.Response {
	t.Helper()
	l := xpathLiteral(text)
	n := one(t, ctx, fmt.Sprintf("//a[normalize-space(.)=%s]", l), "a link reading "+l)
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID}))
	if err != nil {
		t.Fatalf("following the link %q: %v", text, err)
	}
	return resp
}

func buttonXPath(text string) string {
	l := xpathLiteral(text)
	return fmt.Sprintf(`//button[normalize-space(.)=%s] | //input[(@type="submit" or @type="button") and @value=%s]`, l, l)
}

// waitText waits until the page shows text somewhere in a visible element.
func waitText(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	xp := fmt.Sprintf("//body//*[contains(normalize-space(.), %s)]", xpathLiteral(text))
	fctx, cancel := context.WithTimeout(ctx, findTimeout)
	defer cancel()
	if err := chromedp.Do(fctx, chromedp.WaitVisible(chromedp.Search(xp))); err != nil {
		t.Fatalf("waiting for %q on %s: %v", text, currentPath(t, ctx), err)
	}
}

// textOf returns the visible text of the first element matching a CSS
// selector, with runs of white space made one space.
func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	fctx, cancel := context.WithTimeout(ctx, findTimeout)
	defer cancel()
	s, err := chromedp.Run(fctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("reading the text of %s: %v", css, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// currentPath is the path (and query) of the tab's address.
func currentPath(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("reading the address: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("the address %q: %v", loc, err)
	}
	return u.RequestURI()
}

// count is how many elements match a CSS selector now, without waiting.
func count(t *testing.T, ctx context.Context, css string) int {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(css), chromedp.AtLeast(0)))
	if err != nil {
		t.Fatalf("counting %s: %v", css, err)
	}
	return len(nodes)
}

// one finds the single element an XPath names, failing the test when
// there is none or more than one, so that a helper never acts on the
// wrong one of two look-alike fields.
func one(t *testing.T, ctx context.Context, xpath, what string) *chromedp.Node {
	t.Helper()
	fctx, cancel := context.WithTimeout(ctx, findTimeout)
	defer cancel()
	nodes, err := chromedp.Run(fctx, chromedp.Nodes(chromedp.Search(xpath)))
	if err != nil {
		t.Fatalf("looking for %s on %s: %v", what, currentPath(t, ctx), err)
	}
	if len(nodes) != 1 {
		t.Fatalf("looking for %s on %s: found %d, want 1", what, currentPath(t, ctx), len(nodes))
	}
	return nodes[0]
}

// xpathFor names a node found before by its full path in the document.
func xpathFor(n *chromedp.Node) string { return n.FullXPath() }

// xpathLiteral quotes s as an XPath 1.0 string, which has no escapes.
func xpathLiteral(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	parts := strings.Split(s, `"`)
	for i, p := range parts {
		parts[i] = `"` + p + `"`
	}
	return "concat(" + strings.Join(parts, `, '"', `) + ")"
}
