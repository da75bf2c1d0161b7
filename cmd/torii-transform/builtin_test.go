package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/mappings"
)

// TestBuiltinMappings runs every built-in mapping's test cases, and fails when one has
// none, or lacks its vendor, export or documentation page.
func TestBuiltinMappings(t *testing.T) {
	names := mappings.Names()
	if len(names) == 0 {
		t.Fatal("no built-in mappings")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run([]string{"test", name}, nil, &stdout, &stderr); code != exitOK {
				t.Errorf("torii-transform test %s: exit %d\n%s", name, code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "ok   ") {
				t.Errorf("no test case ran:\n%s", stderr.String())
			}
			m, err := mappings.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			if m.Vendor == "" || m.Export == "" || m.Name != name {
				t.Errorf("name %q, vendor %q, export %q: a built-in mapping says its name, vendor and export", m.Name, m.Vendor, m.Export)
			}
			src, _ := mappings.Source(name)
			if !bytes.HasPrefix(src, []byte("# yaml-language-server: $schema=mapping.schema.json\n")) {
				t.Errorf("the file does not start with the yaml-language-server schema comment")
			}
		})
	}
}

// TestMappingDocs keeps docs/mappings/NAME.md in step with each built-in mapping: the
// page is generated from the file, and go test -update rewrites it.
func TestMappingDocs(t *testing.T) {
	for _, name := range mappings.Names() {
		t.Run(name, func(t *testing.T) {
			src, _ := mappings.Source(name)
			page, err := mappingDoc(name, src)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("../../docs/mappings", name+".md"), page)
		})
	}
	pages, _ := filepath.Glob("../../docs/mappings/*.md")
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		if _, ok := mappings.Source(name); !ok && name != "README" {
			t.Errorf("%s documents no built-in mapping", p)
		}
	}
}

// mappingDoc renders a built-in mapping's page: where to get the export, the choices
// its opening comment explains, which vendor words count as active, and the file.
func mappingDoc(name string, src []byte) (string, error) {
	var doc struct {
		Vendor   string              `yaml:"vendor"`
		Export   string              `yaml:"export"`
		Statuses map[string][]string `yaml:"statuses"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n<!-- Generated from mappings/%s.yaml by go test ./cmd/torii-transform -run TestMappingDocs -update. -->\n\n", name, name)
	fmt.Fprintf(&b, "**Vendor:** %s  \n**Export:** %s\n\n", doc.Vendor, doc.Export)
	fmt.Fprintf(&b, "```sh\ntorii-transform convert -m %s %s > users_file.json\n```\n\n", name, exampleExport(name))
	b.WriteString("## What it does\n\n")
	var comment []string
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		line = strings.TrimPrefix(strings.TrimPrefix(line, "#"), " ")
		if !strings.HasPrefix(line, "yaml-language-server:") {
			comment = append(comment, line)
		}
	}
	b.WriteString(strings.TrimSpace(strings.Join(comment, "\n")) + "\n")
	b.WriteString("\n## Statuses\n\n")
	if len(doc.Statuses) == 0 {
		b.WriteString("The export has no status column: every user in it is `active`. People who left are\nabsent from the export, so a push removes them from the app in Torii.\n")
	} else {
		b.WriteString("| Torii status | vendor words |\n|---|---|\n")
		for _, status := range []string{"active", "deleted"} {
			words := doc.Statuses[status]
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = "`" + w + "`"
			}
			fmt.Fprintf(&b, "| `%s` | %s |\n", status, strings.Join(quoted, ", "))
		}
		b.WriteString("\nAny other word fails the run, naming the word, instead of guessing.\n")
	}
	fmt.Fprintf(&b, "\n## The mapping\n\nPrint it with `torii-transform mappings show %s`, to copy and adapt.\n\n```yaml\n%s```\n", name, src)
	return b.String(), nil
}

// exampleExport names an export in a page's example command, with the extension of the
// first sample the mapping's cases convert: export.json for an API's response.
func exampleExport(name string) string {
	data, err := fs.ReadFile(mappings.FS(), name+"_test.yaml")
	if err != nil {
		return "export.csv"
	}
	var cases struct {
		Tests []struct{ Input string }
	}
	if yaml.Unmarshal(data, &cases) == nil {
		for _, c := range cases.Tests {
			if c.Input != "" {
				return "export" + path.Ext(c.Input)
			}
		}
	}
	return "export.csv"
}
