package usersfile

import (
	"encoding/json"
	"strings"
	"testing"
)

var syntaxCases = []string{
	``, ` `, `{}`, `[]`, `{"users": []}`, `{"a": 1, "b": [true, false, null, -0.5e+10, "x\"\\\/\b\f\n\r\t\u00e9"]}`,
	`{"a": 1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `{"a": }`, `{a: 1}`, `01`, `-`, `1.`, `1e`, `1e+`, `.5`, `+1`,
	`"\x"`, `"\u12"`, `"\u12g4"`, "\"a\nb\"", "\"tab\there\"", `"unterminated`, `tru`, `nul`, `[` + strings.Repeat(`"abcdefgh`, 3) + `"]`,
	`{"users": [{"email": "a@b.co"}]} x`, `{} {}`, `"\xff\xfe"`, "\xEF\xBB\xBF{}", `[[[[[]]]]]`, `{"a":{"b":{"c":[1,{}]}}}`,
	`-0`, `-01`, `0.0e0`, `1E5`, `[1,2,3]` + "\n\t\r ", `"\uD800"`,
}

func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range syntaxCases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", c, got, want)
		}
	}
	for _, n := range []int{maxDepth - 1, maxDepth, maxDepth + 1, maxDepth + 2} {
		deep := strings.Repeat("[", n) + strings.Repeat("]", n)
		if got, want := validJSON([]byte(deep)), json.Valid([]byte(deep)); got != want {
			t.Errorf("validJSON(%d-deep) = %v, json.Valid says %v", n, got, want)
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, c := range syntaxCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validJSON(data), json.Valid(data); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", data, got, want)
		}
	})
}
