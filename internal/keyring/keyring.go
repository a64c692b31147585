// Package keyring holds holdspace's secret key and the keys derived from it.
//
// The key lives in a file outside the database, so a copy of the database
// (or of a backup) alone does not reveal what is encrypted in it. Losing the
// file loses what it encrypts: docs/OPERATING.md says to back it up apart.
package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Ring derives purpose-bound keys from one master key.
type Ring struct{ master []byte }

// New wraps a master key (at least 32 bytes).
func New(master []byte) (*Ring, error) {
	if len(master) < 32 {
		return nil, errors.New("the secret key must be at least 32 bytes")
	}
	return &Ring{master: append([]byte(nil), master...)}, nil
}

// LoadOrCreate reads the key file, creating it with a new random key (mode
// 0600) when it does not exist.
func LoadOrCreate(path string) (*Ring, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("cannot create the key file %s: %w", path, err)
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return New(key)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the key file %s: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("the key file %s is not a holdspace key (hex): %w", path, err)
	}
	return New(key)
}

// Key derives the 32-byte key for one purpose ("cookies", "process-notes").
// Different purposes never share a key.
func (r *Ring) Key(purpose string) []byte {
	k, err := hkdf.Key(sha256.New, r.master, nil, "holdspace "+purpose, 32)
	if err != nil {
		panic(err) // only for lengths hkdf cannot produce; 32 is always fine
	}
	return k
}

// Seal encrypts plaintext with AES-256-GCM under the purpose's key; the
// result carries its nonce. additional binds the ciphertext to its place
// (a record id), so a sealed value copied to another row does not open.
func (r *Ring) Seal(purpose string, plaintext, additional []byte) ([]byte, error) {
	gcm, err := r.aead(purpose)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return gcm.Seal(nonce, nonce, plaintext, additional), nil
}

// Open decrypts what Seal made for the same purpose and additional data.
func (r *Ring) Open(purpose string, sealed, additional []byte) ([]byte, error) {
	gcm, err := r.aead(purpose)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("sealed value is too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], additional)
}

func (r *Ring) aead(purpose string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(r.Key(purpose))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
