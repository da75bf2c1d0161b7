// Package mappings holds the built-in mapping files, each written against a vendor's
// documented export, with its test cases and sample exports beside it.
package mappings

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// files holds NAME.yaml, its cases NAME_test.yaml, and their samples under testdata/.
//
//go:embed *.yaml testdata
var files embed.FS

// FS returns the built-in mapping files.
func FS() fs.FS { return files }

// Names returns the names of the built-in mappings, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		n := e.Name()
		if path.Ext(n) == ".yaml" && !strings.HasSuffix(n, "_test.yaml") {
			names = append(names, strings.TrimSuffix(n, ".yaml"))
		}
	}
	slices.Sort(names)
	return names
}

// Source returns the file of the named built-in mapping.
func Source(name string) ([]byte, bool) {
	if !slices.Contains(Names(), name) {
		return nil, false
	}
	b, err := fs.ReadFile(files, name+".yaml")
	return b, err == nil
}
