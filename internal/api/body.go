package api

import (
	"net/http"

	"holdspace/internal/jsonbody"
)

// Decode reads a JSON request body into v through jsonbody, the one
// decoder every API body passes: a refusal is access.Problems naming JSON
// paths (422) or a *jsonbody.Refused (413, 415), both answered by Error.
func Decode(r *http.Request, v any) error {
	return jsonbody.Decode(r, v, jsonbody.Options{})
}

// DecodeOptional is Decode for bodies that may be left out: an empty body
// reads as {}.
func DecodeOptional(r *http.Request, v any) error {
	return jsonbody.Decode(r, v, jsonbody.Options{Optional: true})
}
