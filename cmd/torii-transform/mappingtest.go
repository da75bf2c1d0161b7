package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/transform"
	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/writers"
)

// mappingTests is a mapping's test file, NAME_test.yaml beside NAME.yaml.
type mappingTests struct {
	Tests []mappingTest `yaml:"tests"`
}

// mappingTest is one case: an export (a file, or rows written inline) and what the
// mapping must make of it: a users file, or errors.
type mappingTest struct {
	Name       string   `yaml:"name"`
	Input      string   `yaml:"input"`      // an export, relative to the test file
	Rows       string   `yaml:"rows"`       // or the export's text, inline
	Want       string   `yaml:"want"`       // the expected users file, relative to the test file
	WantErrors []string `yaml:"wantErrors"` // or text each error must contain, in order
	OnError    string   `yaml:"onError"`    // fail (default) or skip
}

func (c *cli) testCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test MAPPING...",
		Short: "Run mappings' test cases",
		Long: `Test runs the test cases of each mapping (a file, or the name of a built-in
mapping). The cases of mapping.yaml are in mapping_test.yaml beside it:

  tests:
    - name: the console's export
      input: testdata/export.csv       # relative to the test file
      want: testdata/users_file.json   # the users file it must give
    - name: a new status word fails the run
      rows: |
        Email,Status
        ada@example.com,Frozen
      wantErrors:
        - unknown status "Frozen"

A failing case shows how the users file differs from the expected one. Test exits 1 when
any case fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := 0
			for _, name := range args {
				n, err := c.testMapping(name)
				if err != nil {
					c.printError(err)
					failed++
				}
				failed += n
			}
			if failed > 0 {
				return exitError{exitFail}
			}
			return nil
		},
	}
	return cmd
}

// testMapping runs one mapping's cases and returns how many failed.
func (c *cli) testMapping(name string) (int, error) {
	m, loadErr := mappings.Open(name)
	if m == nil {
		return 0, loadErr
	}
	fsys, testFile, err := testsOf(name)
	if err != nil {
		return 0, err
	}
	data, err := fs.ReadFile(fsys, testFile)
	if err != nil {
		return 0, fmt.Errorf("%s: no test cases: %s is missing", name, testFile)
	}
	var tests mappingTests
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&tests); err != nil {
		return 0, fmt.Errorf("%s: %v", testFile, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(tests.Tests) == 0 {
		return 0, fmt.Errorf("%s: no test cases", testFile)
	}
	failed := 0
	for i, t := range tests.Tests {
		label := fmt.Sprintf("%s: %s", name, cmpOr(t.Name, fmt.Sprintf("case %d", i+1)))
		if err := c.runTest(m, loadErr, fsys, path.Dir(testFile), t); err != nil {
			fmt.Fprintf(c.stderr, "FAIL %s\n%s\n", label, indent(err.Error()))
			failed++
			continue
		}
		fmt.Fprintf(c.stderr, "ok   %s\n", label)
	}
	return failed, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// testsOf returns where a mapping's test file is: beside a mapping file, or among the
// built-in mappings.
func testsOf(name string) (fs.FS, string, error) {
	if mappings.IsBuiltin(name) {
		return mappings.FS(), name + "_test.yaml", nil
	}
	dir, file := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	base := strings.TrimSuffix(strings.TrimSuffix(file, ".yaml"), ".yml")
	return os.DirFS(dir), base + "_test.yaml", nil
}

func (c *cli) runTest(m *mapping.Mapping, loadErr error, fsys fs.FS, dir string, t mappingTest) error {
	if (t.Input == "") == (t.Rows == "") {
		return errors.New("a case needs input (a file) or rows (inline), not both")
	}
	if (t.Want == "") == (len(t.WantErrors) == 0) {
		return errors.New("a case needs want (a users file) or wantErrors, not both")
	}
	src, inputName := []byte(t.Rows), "rows"
	if t.Input != "" {
		var err error
		if src, err = fs.ReadFile(fsys, path.Join(dir, t.Input)); err != nil {
			return fmt.Errorf("input: %v", err)
		}
		inputName = t.Input
	}
	run := transform.Options{MaxErrors: 100}
	if t.OnError == "skip" {
		run.OnError = transform.Skip
	}
	res, _, err := transform.Convert(transform.Job{Mapping: m, MappingErr: loadErr, Export: bytes.NewReader(src), Name: inputName, Run: run})
	var got []string
	if res != nil {
		for _, e := range res.Errors {
			got = append(got, e.Error())
		}
	}
	if err != nil && !errors.Is(err, transform.ErrRejected) {
		var list diag.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				got = append(got, e.Error())
			}
		} else {
			got = append(got, err.Error())
		}
	}
	if len(t.WantErrors) > 0 {
		return matchErrors(t.WantErrors, got)
	}
	if len(got) > 0 {
		return fmt.Errorf("unexpected errors:\n%s", strings.Join(got, "\n"))
	}
	wantData, err := fs.ReadFile(fsys, path.Join(dir, t.Want))
	if err != nil {
		return fmt.Errorf("want: %v", err)
	}
	var gotData bytes.Buffer
	if err := res.Encode(&gotData); err != nil {
		return err
	}
	if bytes.Equal(gotData.Bytes(), wantData) {
		return nil
	}
	want, err := usersfile.DecodeBytes(wantData)
	if err != nil {
		return fmt.Errorf("want %s:%v", t.Want, err)
	}
	var diff bytes.Buffer
	d := usersfile.Compare(want, res.File())
	if d.Empty() {
		return fmt.Errorf("the users file has the same content as %s but not the same bytes; write it as convert does", t.Want)
	}
	if err := writers.WriteDiff(&diff, d, "text", writers.DiffOptions{Limit: 20}); err != nil {
		return err
	}
	return fmt.Errorf("the users file differs from %s (old: want, new: got):\n%s", t.Want, diff.String())
}

// matchErrors checks that each wanted text appears in the errors, in order.
func matchErrors(want, got []string) error {
	i := 0
	for _, g := range got {
		if i < len(want) && strings.Contains(g, want[i]) {
			i++
		}
	}
	if i == len(want) {
		return nil
	}
	return fmt.Errorf("no error contains %q; the errors were:\n%s", want[i], strings.Join(got, "\n"))
}
