package values

import (
	"fmt"
	"strings"

	"github.com/torii-transform/torii-transform/usersfile"
)

// NormalizeEmail trims s and lowercases it, and refuses text that is not an email
// address. Empty text gives "" without error: whether an email is required is the
// caller's decision.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	s = strings.ToLower(strings.TrimPrefix(s, "mailto:"))
	at := strings.IndexByte(s, '@')
	switch {
	case at <= 0 || at != strings.LastIndexByte(s, '@'):
		return "", fmt.Errorf("invalid email %q: want one @ between a name and a domain", s)
	case strings.ContainsAny(s, " \t,;<>\"()"):
		return "", fmt.Errorf("invalid email %q: contains a space or punctuation that addresses cannot", s)
	case !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") || strings.HasPrefix(s[at+1:], "."):
		return "", fmt.Errorf("invalid email %q: the domain needs a dot, as in example.com", s)
	case !usersfile.ValidEmail(s):
		// What the users file's validator refuses, convert does not write.
		return "", fmt.Errorf("invalid email %q: an empty part in the domain (..), or a space or control character", s)
	}
	return s, nil
}
