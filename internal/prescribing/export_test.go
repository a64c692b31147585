package prescribing

// HashOf lets the tests sign content in memory the way Sign does.
var HashOf = hash
