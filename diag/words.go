package diag

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Plural returns one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count returns "1 user", "2 users": n and the noun, which takes an s.
func Count(n int, noun string) string { return fmt.Sprintf("%d %s", n, Plural(n, noun, noun+"s")) }

// QuoteAll quotes each of ss and joins them with commas: "a", "b".
func QuoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// Suggest returns the name of known that s is probably a misspelling of, or "". Case,
// '_', '-' and spaces are ignored; otherwise the closest within a small edit distance
// wins, and failing that a name that s is a prefix of, or that is a prefix of s.
func Suggest(s string, known []string) string {
	if len(s) > 64 {
		return ""
	}
	k := normalize(s)
	best, bestScore := "", 4
	for _, name := range known {
		n := normalize(name)
		score := Levenshtein(k, n)
		limit := 2
		if len([]rune(n)) <= 4 {
			limit = 1
		}
		if score > limit {
			score = 4
		}
		if score == 4 && len(k) >= 4 && (strings.HasPrefix(n, k) || strings.HasPrefix(k, n)) {
			score = 3
		}
		if score < bestScore {
			best, bestScore = name, score
		}
	}
	return best
}

// DidYouMean returns ` (did you mean "x"?)` when Suggest finds x for s, else "".
func DidYouMean(s string, known []string) string {
	if best := Suggest(s, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == ' ' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// Levenshtein returns the number of single-rune insertions, deletions and substitutions
// that turn a into b.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
