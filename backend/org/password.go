package org

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLen is the password policy: at least this many characters.
const MinPasswordLen = 8

// maxPasswordLen bounds the work an attacker can make the hash do.
const maxPasswordLen = 256

// argonParams are the argon2id cost parameters (OWASP's 19 MiB, t=2, p=1).
// They are written into every hash, so raising them later keeps old hashes valid.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	keyLen  uint32
}

var defaultArgon = argonParams{memory: 19 * 1024, time: 2, threads: 1, keyLen: 32}

var errBadHash = errors.New("org: malformed password hash")

// HashPassword returns the PHC-style argon2id encoding of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (unpadded base64).
func HashPassword(pw string) (string, error) { return hashPassword(defaultArgon, pw) }

// PasswordCost is the argon2id cost of new password hashes: memory in KiB
// and passes. The zero value is the default (OWASP's 19 MiB, t=2); anything
// cheaper is for test servers only, which make hundreds of accounts and
// sign-ins (servertest). Existing hashes keep the cost they were made with.
type PasswordCost struct{ MemoryKiB, Time uint32 }

// SetPasswordCost sets the cost of the hashes this service makes (the zero
// value keeps the default). Call it at wiring time, before the server takes
// requests.
func (s *Service) SetPasswordCost(c PasswordCost) {
	if c == (PasswordCost{}) {
		return
	}
	s.argon = argonParams{memory: c.MemoryKiB, time: c.Time, threads: defaultArgon.threads, keyLen: defaultArgon.keyLen}
	// Unknown emails are checked at the same cost as real accounts.
	s.dummyHash, _ = hashPassword(s.argon, "tack-dummy-password")
}

func hashPassword(p argonParams, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("org: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash, comparing in
// constant time. An empty or malformed hash never matches.
func CheckPassword(encoded, pw string) bool {
	p, salt, key, err := decodeHash(encoded)
	if err != nil || len(pw) > maxPasswordLen {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.memory == 0 || p.memory > 1<<21 || p.time == 0 || p.time > 16 || p.threads == 0 {
		return p, nil, nil, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, errBadHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// dummyHash is checked against when a login names an unknown email, so the
// response time does not tell which emails exist.
var dummyHash, _ = HashPassword("tack-dummy-password")

// passwordProblem returns the field key for a password that breaks the
// policy, or "" when it is acceptable.
func passwordProblem(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return "required"
	case n < MinPasswordLen:
		return "too_short"
	case len(pw) > maxPasswordLen:
		return "too_long"
	}
	return ""
}

// GeneratePassword returns a random 12-character password without look-alike
// characters, for accounts HR opens and for resets.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("org: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
