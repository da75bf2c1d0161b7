package mapping

import (
	"testing"

	"github.com/torii-transform/torii-transform/diag"
)

// TestYAMLPitfalls checks that expressions YAML reads as YAML are reported where the
// cause is, with a hint to quote them.
func TestYAMLPitfalls(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"version: 1\nuser:\n  email: row.Email\n  status: row.On == \"y\" ? \"active\" : \"deleted\"\n",
			`m.yaml:4:36: ": " inside a value, which YAML reads as the start of a map`},
		{"version: 1\nuser:\n  email: row.Email\n  roles: [row.A, row.B] | filter(# != \"\")\n",
			`m.yaml:4:10: did not find expected comment or line break: a value that starts with '[' is a YAML list or map, not text`},
		{"version: 1\nuser:\n  email: row.Email\n  roles: [row.A, row.B]\n",
			`m.yaml:4:10: user.roles: want an expression; a value that starts with [ or { is a YAML list or map`},
		{"version: 1\nuser:\n  email: row.Email\n  roles: {a: 1}\n",
			`m.yaml:4:10: user.roles: want an expression; a value that starts with [ or { is a YAML list or map`},
	} {
		_, err := Load("m.yaml", []byte(tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q:\n got %v\nwant %s", tc.src, err, tc.want)
			continue
		}
		if h := diag.HintOf(err); h != quoteHint {
			t.Errorf("%q: hint %q", tc.src, h)
		}
	}
}

func TestComment(t *testing.T) {
	m, err := Load("m.yaml", []byte("version: 1\nuser:\n  email: row.Email  # the login\n  id: \"row.A #1\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := m.User[0].Expr.Comment(); !ok || p.String() != "m.yaml:3:21" {
		t.Errorf("email: comment at %v, %v; want m.yaml:3:21", p, ok)
	}
	if _, ok := m.User[1].Expr.Comment(); ok {
		t.Errorf("a quoted value has no comment cutting it")
	}
}
