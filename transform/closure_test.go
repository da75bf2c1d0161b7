package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
)

// closureCase is a mapping and an export to run it on.
type closureCase struct {
	name    string
	mapping string // file
	export  string // file, or
	rows    string // the export's text
}

// closureCases are the built-in mappings' test exports and the golden cases.
func closureCases(t *testing.T) []closureCase {
	t.Helper()
	var cases []closureCase
	tests, _ := filepath.Glob("../mappings/*_test.yaml")
	for _, file := range tests {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Tests []struct{ Name, Input, Rows string }
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		m := strings.TrimSuffix(file, "_test.yaml") + ".yaml"
		for _, c := range doc.Tests {
			cc := closureCase{name: filepath.Base(m) + "/" + c.Name, mapping: m, rows: c.Rows}
			if c.Input != "" {
				cc.export = filepath.Join("../mappings", c.Input)
			}
			cases = append(cases, cc)
		}
	}
	goldens, _ := filepath.Glob("../testdata/golden/*/mapping.yaml")
	for _, m := range goldens {
		inputs, _ := filepath.Glob(filepath.Join(filepath.Dir(m), "input.*"))
		if len(inputs) == 1 {
			cases = append(cases, closureCase{name: filepath.Base(filepath.Dir(m)), mapping: m, export: inputs[0]})
		}
	}
	if len(cases) < 50 {
		t.Fatalf("found %d cases: are the mappings and goldens where the test looks?", len(cases))
	}
	return cases
}

// outcome is what a run gives: the users file, or the errors.
func (cc closureCase) outcome(t *testing.T, closures bool) string {
	t.Helper()
	defer func(was bool) { useClosures = was }(useClosures)
	useClosures = closures
	data, err := os.ReadFile(cc.mapping)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Load(cc.mapping, data)
	if err != nil {
		return "mapping: " + err.Error()
	}
	job := Job{Mapping: m, Name: "export.csv", Run: Options{OnError: Skip, MaxErrors: 1000, Workers: 1}}
	if cc.export != "" {
		f, err := os.Open(cc.export)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		job.Export, job.Name = f, cc.export
	} else {
		job.Export = strings.NewReader(cc.rows)
	}
	res, _, err := Convert(job)
	var out strings.Builder
	if res != nil {
		for _, e := range res.Errors {
			fmt.Fprintln(&out, "row:", e)
		}
		if err == nil || errors.Is(err, ErrRejected) {
			if err := res.Encode(&out); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(&out, "error:", err)
	}
	return out.String()
}

// TestClosuresAgree runs every built-in mapping on its test exports, and every golden
// case, with closures and with expr's VM alone: both must give the same users file and
// the same errors, to the letter.
func TestClosuresAgree(t *testing.T) {
	for _, cc := range closureCases(t) {
		t.Run(cc.name, func(t *testing.T) {
			vm, closures := cc.outcome(t, false), cc.outcome(t, true)
			if d := cmp.Diff(vm, closures); d != "" {
				t.Errorf("closures differ from the VM (-vm +closures):\n%s", d)
			}
		})
	}
}

// TestClosuresCover checks that the built-in mappings run without the VM on their
// vendors' exports: every expression reads a column, calls a helper on one, is
// computed once, or has a closure. A change to the closures or to a mapping that sends
// an expression back to the VM shows here, with the expression.
func TestClosuresCover(t *testing.T) {
	// Expressions left to the VM on purpose, as "mapping.yaml: field".
	vmOnly := []string{}
	seen := map[string]bool{}
	for _, cc := range closureCases(t) {
		if cc.export == "" || !strings.HasPrefix(cc.mapping, "../mappings/") || seen[cc.mapping] {
			continue
		}
		seen[cc.mapping] = true
		data, err := os.ReadFile(cc.mapping)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mapping.Load(cc.mapping, data)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(cc.export)
		if err != nil {
			t.Fatal(err)
		}
		opt, err := m.Input.Apply(nil)
		if err != nil {
			t.Fatal(err)
		}
		in, err := readers.Open(f, cc.export, opt)
		if err != nil {
			t.Fatalf("%s: %v", cc.export, err)
		}
		p, err := Compile(m, in.Header, CompileOptions{})
		in.Close()
		f.Close()
		if err != nil {
			t.Fatalf("%s on %s: %v", cc.mapping, cc.export, err)
		}
		for _, ce := range p.expressions() {
			what := filepath.Base(cc.mapping) + ": " + ce.field
			if onVM(ce) && !slices.Contains(vmOnly, what) {
				t.Errorf("%s runs through the VM: %s", what, ce.expr.Src)
			}
		}
	}
	if len(seen) < 10 {
		t.Fatalf("checked %d built-in mappings", len(seen))
	}
}

// closureExprs are shapes the built-in mappings use, and their edges: indexes out of
// range, values of unexpected types, loops, sets, regular expressions.
var closureExprs = []string{
	`trim(row.a)`,
	`split(trim(row.a), " ")`,
	`len(split(row.a, ",")) == 2 ? split(row.a, ",")[1] : split(row.a, " ")[0]`,
	`join(split(row.a, " ")[1:], " ")`,
	`split(row.a, " ")[-1]`,
	`split(row.a, " ")[int(len(row.b) % 3)]`,
	`row.a[1:3]`,
	`split(row.b, ";")[-2:] + split(row.a, "")[:-1]`,
	`row.c[-3:len(row.a) - 9]`,
	`lower(trim(row.a)) in ["never accessed", "", "x"]`,
	`row.a in [row.b, "y"]`,
	`row.a == row.b || row.c != "z" && !(row.a contains "@")`,
	`row.a startsWith "A" ? row.b : row.c endsWith "z" ? nil : row.a`,
	`row?.["missing"] ?? "none"`,
	`row[row.a] ?? "none"`,
	`sort(filter(keys(row), # != row.a))`,
	`map(filter(split(row.a, ","), # != ""), trim(#))`,
	`map(split(row.b, ";"), len(#) > 2 ? upper(#) : #)`,
	`last(sort(filter(map(split(row.a, ","), trim(#)), # != "")))`,
	`first(split(row.c, "-")) + "/" + row.b`,
	`indexOf(row.a, "@") > 0 && row.a[indexOf(row.a, "@")+1:] matches "^[a-z]+(\\.[a-z]+)+$"`,
	`len(row.a) - 1`,
	`date(row.a, "2 Jan 2006", "iso")`,
	`email(row.b)`,
	`list([row?.["c"], list(row?.["a"], ",")])`,
	`"a" in row && "q" in row`,
}

var objectsHeader = func() *record.Header {
	h := record.NewHeader("in.json", "", 1, []string{"a", "b", "c"})
	h.Kind, h.Sampled = record.Objects, 1
	return h
}()

// onVM reports whether ce runs through expr's VM: it is none of a column read, a helper
// called on one, a value computed once or a let's name, and has no closure.
func onVM(ce *compiled) bool {
	return ce.prog != nil && !ce.folded && !ce.direct && ce.call == nil && ce.let < 0 && ce.closure == nil
}

// FuzzClosures checks that each expression's closure gives what expr's VM gives for
// the same record, whenever it does not hand the record to the VM: on a CSV row of the
// fuzzed texts, and on a JSON record of them read as JSON values.
func FuzzClosures(f *testing.F) {
	for _, seed := range [][3]string{
		{"Ada Lovelace", "ada@example.com", "x-y"},
		{"Lovelace, Ada", "", "z"},
		{"5 Mar 2024", "b", "a"},
		{" never accessed ", "q@x.io", ""},
		{"a@b.example.com", "1", "true"},
		{"", "", ""},
		{"[1,2]", "null", `{"a":"b"}`},
		{"é,,ü ,", "a;bbb;cc", "-"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	var src strings.Builder
	src.WriteString("version: 1\nuser:\n  email: row.b\nlet:\n")
	for i, e := range closureExprs {
		fmt.Fprintf(&src, "  e%d: %q\n", i, e)
	}
	m, err := mapping.Load("m.yaml", []byte(src.String()))
	if err != nil {
		f.Fatal(err)
	}
	csvHeader := record.NewHeader("in.csv", "", 1, []string{"a", "b", "c"})
	programs := map[*record.Header]*Program{}
	for _, h := range []*record.Header{csvHeader, objectsHeader} {
		p, err := Compile(m, h, CompileOptions{})
		if err != nil {
			f.Fatal(err)
		}
		for _, ce := range p.lets {
			if onVM(ce) {
				f.Errorf("%s runs through the VM on %s", ce, h.File)
			}
		}
		programs[h] = p
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		text := []string{a, b, c}
		objects := map[string]any{}
		for i, s := range text {
			var v any
			if json.Unmarshal([]byte(s), &v) != nil {
				v = s
			}
			objects[string(rune('a'+i))] = v
		}
		for _, rec := range []*record.Record{
			{Header: csvHeader, Values: text, Line: 2},
			{Header: objectsHeader, Object: objects, Line: 1},
		} {
			ev := programs[rec.Header].NewEvaluator()
			if rec.Object != nil {
				ev.env["row"] = rec.Object
			} else {
				ev.setRow(rec)
			}
			for i, ce := range ev.p.lets {
				want, err := ev.vm.Run(ce.prog, ev.env)
				if ce.closure != nil {
					got, ok := ev.runClosure(ce, rec)
					switch {
					case ok && err != nil:
						t.Errorf("%s on %q (%s): closure gives %#v; the VM fails: %v", ce, text, rec.Header.File, got, err)
					case ok && !cmp.Equal(got, want):
						t.Errorf("%s on %q (%s): closure gives %#v; the VM %#v", ce, text, rec.Header.File, got, want)
					}
				}
				ev.env[strings.TrimPrefix(ce.field, "let.")], ev.lets[i] = want, want
			}
		}
	})
}

// TestEnvIsNotFolded keeps an expression that reads the row through $env from being
// computed once, as if it read nothing of the record.
func TestEnvIsNotFolded(t *testing.T) {
	in := newRows("email,name", "a@example.com,Ada", "b@example.com,Grace")
	p := compile(t, "version: 1\nuser:\n  email: email(row.email)\n  firstName: $env?.row?.name ?? \"none\"\n", in)
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.File().Users {
		got = append(got, u.FirstName)
	}
	if want := []string{"Ada", "Grace"}; !slices.Equal(got, want) {
		t.Errorf("first names %q, want %q", got, want)
	}
}
