package store

import "github.com/google/uuid"

// NewID returns a new record id: a UUIDv7, whose 74 random bits make ids
// unguessable while its time prefix keeps indexes in creation order.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
