package web

import (
	"slices"
	"testing"
)

func TestAnEmailsLinksAreFoundInItsText(t *testing.T) {
	got := textParts("Choose your password (http://h.test/invite/a-b_c).\nOr go to https://h.test/signin.\n")
	want := []textPart{{Text: "Choose your password ("}, {Text: "http://h.test/invite/a-b_c", Href: "http://h.test/invite/a-b_c"},
		{Text: ").\nOr go to "}, {Text: "https://h.test/signin", Href: "https://h.test/signin"}, {Text: "."}}
	if !slices.Equal(got, want) {
		t.Errorf("textParts = %q\nwant %q", got, want)
	}
	if got := textParts("No link here.\n"); !slices.Equal(got, []textPart{{Text: "No link here."}}) {
		t.Errorf("plain text: %q", got)
	}
}
