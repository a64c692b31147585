package web

import (
	"net/http"

	"holdspace/internal/api"
)

// decodeJSON reads a JSON request body into v through jsonbody, the one
// decoder every API body passes: a refusal is access.Problems naming JSON
// paths (422) or a *jsonbody.Refused (413, 415), both answered by apiError.
func decodeJSON(r *http.Request, v any) error {
	return api.Decode(r, v)
}

// decodeOptionalJSON is decodeJSON for bodies that may be left out: an
// empty body reads as {}.
func decodeOptionalJSON(r *http.Request, v any) error {
	return api.DecodeOptional(r, v)
}
