package diag

import "testing"

func TestLevenshtein(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"email", "email", 0}, {"emial", "email", 2}, {"usr", "user", 1},
		{"", "abc", 3}, {"Zoë", "Zoe", 1}, {"kitten", "sitting", 3},
	} {
		if got := Levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
