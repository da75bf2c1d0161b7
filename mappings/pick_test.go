package mappings

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/readers"
)

// TestPickSamples reads the header of every sample export a built-in's cases convert,
// as -m auto reads it, and checks that Pick chooses that built-in, and only it. A
// built-in without a detect section is never picked: its samples are refused.
func TestPickSamples(t *testing.T) {
	for _, name := range Names() {
		m, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := fs.ReadFile(FS(), name+"_test.yaml")
		if err != nil {
			t.Fatal(err)
		}
		var cases struct {
			Tests []struct{ Name, Input string }
		}
		if err := yaml.Unmarshal(data, &cases); err != nil {
			t.Fatal(err)
		}
		samples := 0
		for _, c := range cases.Tests {
			if c.Input == "" {
				continue
			}
			samples++
			t.Run(name+"/"+path.Base(c.Input), func(t *testing.T) {
				f, err := FS().Open(c.Input)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				in, err := readers.Open(f, c.Input, readers.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer in.Close()
				got, err := Pick(in.Header)
				switch {
				case len(m.Detect) == 0:
					if err == nil {
						t.Fatalf("picked %s; %s declares no distinctive columns and must not be picked", got.Name, name)
					}
				case err != nil:
					t.Fatalf("Pick: %v", err)
				case got.Name != name:
					t.Fatalf("picked %s, want %s", got.Name, name)
				}
			})
		}
		if samples == 0 {
			t.Errorf("%s: no case converts a sample export", name)
		}
	}
}

// TestPickRefuses checks that exports of vendors with no built-in mapping, which share
// generic columns with many, are refused, and that near misses are named with what
// they lack.
func TestPickRefuses(t *testing.T) {
	for _, tt := range []struct {
		name, csv string
		want      []string // the errors' text, in order
	}{
		{"people", "Email,First Name,Last Name,Status,Licenses,Role,Last Login Time\n", []string{
			"people.csv: -m auto: no built-in mapping fits this export's header",
		}},
		{"slack-like", "username,email,status,userid,fullname\n", []string{
			"slack-like.csv: -m auto: no built-in mapping fits this export's header",
			`slack-like.csv: -m auto: not slack: has "userid" of Slack's export but not "has-2fa", "has-sso"`,
		}},
		{"alternatives", "Identity Type,Email,First Name,Last Name\n", []string{
			"alternatives.csv: -m auto: no built-in mapping fits this export's header",
			`alternatives.csv: -m auto: not adobe: has "Identity Type" of Adobe's export but not "Admin Roles", "Product Configurations" or "Team Products"`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in, err := readers.Open(strings.NewReader(tt.csv), tt.name+".csv", readers.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			m, err := Pick(in.Header)
			if m != nil {
				t.Fatalf("picked %s", m.Name)
			}
			var got []string
			var list diag.ErrorList
			if errors.As(err, &list) {
				for _, e := range list {
					got = append(got, e.Error())
				}
			} else {
				got = []string{err.Error()}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if diag.HintOf(err) == "" {
				t.Errorf("no hint")
			}
		})
	}
}
