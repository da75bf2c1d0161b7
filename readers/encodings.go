package readers

import "strings"

// Encodings are the text encodings an input may declare.
var Encodings = []string{"utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1"}

// CanonicalEncoding returns the name in Encodings that name means ("utf8", "cp1252" and
// "latin1" are accepted too, in any case), or "" when it is none of them.
func CanonicalEncoding(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "utf8":
		n = "utf-8"
	case "utf16":
		n = "utf-16"
	case "cp1252", "windows1252":
		n = "windows-1252"
	case "latin1", "latin-1", "iso8859-1":
		n = "iso-8859-1"
	}
	for _, e := range Encodings {
		if e == n {
			return n
		}
	}
	return ""
}
