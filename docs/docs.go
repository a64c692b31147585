// Package docs carries the documents holdspace serves itself: the
// clinical hazard log, which staff read in the app beside the settings
// whose numbers it explains.
package docs

import _ "embed"

// Hazards is HAZARDS.md, the clinical hazard log.
//
//go:embed HAZARDS.md
var Hazards string
