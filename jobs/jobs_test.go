package jobs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/transform"
)

// TestSchema keeps jobs.schema.json, which editors use to check and complete jobs
// files, in step with the keys the loader accepts.
func TestSchema(t *testing.T) {
	data, err := os.ReadFile("jobs.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	type object struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	var schema struct {
		object
		Defs map[string]object `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	props := func(o object) []string {
		var names []string
		for n := range o.Properties {
			names = append(names, n)
		}
		slices.Sort(names)
		return names
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for _, tt := range []struct {
		what           string
		schema, loader []string
	}{
		{"jobs file", props(schema.object), keys.file},
		{"defaults", props(schema.Defs["defaults"]), keys.defaults},
		{"jobs[]", props(schema.Defs["job"]), keys.job},
		{"input", props(schema.Defs["input"]), readers.SettingKeys()},
	} {
		if diff := cmp.Diff(sorted(tt.loader), tt.schema); diff != "" {
			t.Errorf("%s: the schema's keys differ from the loader's (-loader +schema):\n%s", tt.what, diff)
		}
	}
}

// TestLoadErrors checks that every problem is reported at once, each at its line and
// column, and that a key in the file is refused without being repeated.
func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"not yaml", "jobs: [\n", []string{"jobs.yaml:1: did not find expected node content"}},
		{"empty", "", []string{"jobs.yaml: empty jobs file"}},
		{"no jobs", "defaults: {}\n", []string{"jobs.yaml:1:1: jobs file has no jobs list"}},
		{"empty list", "jobs: []\n", []string{"jobs.yaml:1:7: jobs: the list is empty"}},
		{"secret keys", "defaults:\n  apiKey: sk-live-123\njobs:\n  - name: a\n    export: a.csv\n    mapping: slack\n    appAccount: 1\n    token: sk-live-456\n", []string{
			`jobs.yaml:2:3: defaults: "apiKey": a jobs file must not hold the API key`,
			`jobs.yaml:8:5: jobs[0] (a): "token": a jobs file must not hold the API key`,
		}},
		{"missing keys", "jobs:\n  - export: a.csv\n", []string{
			"jobs.yaml:2:5: jobs[0]: missing name",
			"jobs.yaml:2:5: jobs[0]: missing mapping",
			"jobs.yaml:2:5: jobs[0]: missing appAccount",
		}},
		{"export and command", "jobs:\n  - name: a\n    export: a.csv\n    command: cat a.csv\n    mapping: slack\n    appAccount: 1\n", []string{
			"jobs.yaml:4:5: jobs[0] (a): give export (a file or a glob) or command, not both",
		}},
		{"no export", "jobs:\n  - name: a\n    mapping: slack\n    appAccount: 1\n", []string{
			"jobs.yaml:2:5: jobs[0] (a): missing export or command",
		}},
		{"bad values", `version: 2
defaults:
  wait: soon
  maxAge: 2d
  maxRemoved: lots
jobs:
  - name: "a b"
    export: a.csv
    mapping: slack
    appAccount: -3
    maxRemovedPercent: 120
    force: maybe
    onError: ignore
    input:
      format: pdf
      skiprows: 2
  - name: c
    command: ""
    mapping: slack
    appAccount: 2
    timeout: 0s
`, []string{
			`jobs.yaml:1:10: unsupported jobs file version "2": this torii-transform reads version 1`,
			`jobs.yaml:3:9: defaults.wait: want a duration such as 26h or 90m, got "soon"`,
			`jobs.yaml:4:11: defaults.maxAge: want a duration such as 26h or 90m, got "2d"`,
			`jobs.yaml:5:15: defaults.maxRemoved: want a count such as 25 or a percentage such as 5%, got "lots"`,
			`jobs.yaml:7:11: jobs[0].name: "a b": want letters, digits, '.', '_' and '-', starting with a letter or digit`,
			`jobs.yaml:10:17: jobs[0] (a b).appAccount: want the app account ID, a positive number, got "-3"`,
			`jobs.yaml:11:24: jobs[0] (a b).maxRemovedPercent: want a percentage from 0 to 100, such as 5, got "120"`,
			`jobs.yaml:12:12: jobs[0] (a b).force: want true or false, got "maybe"`,
			`jobs.yaml:13:14: jobs[0] (a b).onError: want fail or skip, got "ignore"`,
			`jobs.yaml:15:15: jobs[0] (a b).input.format: unknown format "pdf" (want csv, xlsx, json, ndjson)`,
			`jobs.yaml:16:7: jobs[0] (a b).input: unknown key "skiprows" (did you mean "skipRows"?)`,
			`jobs.yaml:18:14: jobs[1] (c).command: empty command`,
			`jobs.yaml:21:14: jobs[1] (c).timeout: want a positive duration, got "0s"`,
		}},
		{"duplicates", `jobs:
  - name: a
    export: a.csv
    mapping: slack
    appAccount: 7
  - name: a
    export: b.csv
    mapping: slack
    appAccount: 7
    appAccount: 8
`, []string{
			`jobs.yaml:6:5: jobs[1]: app account 7 is job a's too (line 2): each sync replaces the account's users, so the two jobs would undo each other`,
			`jobs.yaml:6:5: jobs[1]: job name "a" is taken by the job at line 2`,
			`jobs.yaml:10:5: jobs[1] (a): "appAccount" is given twice`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("jobs.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), "sk-live") {
				t.Errorf("an error repeats the key: %v", err)
			}
		})
	}
}

// TestLoadDefaults checks that jobs take the defaults they leave out, and that paths are
// taken from the jobs file's folder.
func TestLoadDefaults(t *testing.T) {
	src := `defaults:
  apiKeyFile: secrets/key
  stateDir: /var/lib/torii
  maxAge: 26h
  maxRemoved: 5%
  timeout: 2m
jobs:
  - name: a
    export: exports/a-*.csv
    mapping: maps/a.yaml
    lookups: {seats: seats.csv}
    input: {delimiter: ";", skipRows: 2}
    onError: skip
    appAccount: 1
  - name: b
    command: cat b.csv
    mapping: slack
    appAccount: 2
    maxAge: 170h
    maxRemoved: 25
    maxRemovedPercent: 10
    force: true
    wait: 0s
`
	f, err := Load(filepath.Join("etc", "torii", "jobs.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("etc", "torii")
	if f.Defaults.APIKeyFile != filepath.Join(dir, "secrets", "key") || f.Defaults.StateDir != "/var/lib/torii" {
		t.Errorf("defaults paths: %q, %q", f.Defaults.APIKeyFile, f.Defaults.StateDir)
	}
	a, b := f.Jobs[0], f.Jobs[1]
	if a.Export != filepath.Join(dir, "exports", "a-*.csv") || a.Mapping != filepath.Join(dir, "maps", "a.yaml") || a.Lookups["seats"] != filepath.Join(dir, "seats.csv") {
		t.Errorf("job a paths: %q, %q, %q", a.Export, a.Mapping, a.Lookups)
	}
	opt, err := readers.Options{}.Apply(a.Overrides)
	if err != nil || opt.Delimiter != ';' || opt.SkipRows != 2 {
		t.Errorf("job a input: %+v, %v", opt, err)
	}
	if a.OnError != transform.Skip || b.OnError != transform.Fail {
		t.Errorf("onError: %v, %v", a.OnError, b.OnError)
	}
	if a.MaxAge != 26*time.Hour || a.Timeout != 2*time.Minute || a.Wait != DefaultWait || a.CommandTimeout != DefaultCommandTimeout {
		t.Errorf("job a settings: %+v", a.Settings)
	}
	if a.Guard != (push.Guard{MaxRemovedPercent: 5}) {
		t.Errorf("job a guard: %+v", a.Guard)
	}
	if b.Command != "cat b.csv" || b.Mapping != "slack" || b.MaxAge != 170*time.Hour || b.Wait != DefaultWait {
		t.Errorf("job b: %q, %q, %+v", b.Command, b.Mapping, b.Settings)
	}
	if b.Guard != (push.Guard{MaxRemoved: 25, MaxRemovedPercent: 10, Force: true}) {
		t.Errorf("job b guard: %+v", b.Guard)
	}
}
