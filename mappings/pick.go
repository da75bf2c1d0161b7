package mappings

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/transform"
)

// Auto is the name that, given for a mapping, picks the built-in one from the export's
// header (see Pick).
const Auto = "auto"

// IsBuiltin reports whether name picks a built-in mapping: a bare name (no folder, no
// .yaml or .yml) that one of them has. Anything else is a file.
func IsBuiltin(name string) bool {
	if strings.ContainsRune(name, filepath.Separator) || strings.ContainsRune(name, '/') ||
		filepath.Ext(name) == ".yaml" || filepath.Ext(name) == ".yml" {
		return false
	}
	return slices.Contains(Names(), name)
}

// Open reads the mapping that name stands for: a built-in by its name, else a file. Its
// structural problems come back with a mapping that transform.Compile can still check
// (see mapping.Load); a nil mapping means it could not be read at all.
func Open(name string) (*mapping.Mapping, error) {
	if IsBuiltin(name) {
		data, _ := Source(name)
		return mapping.Load("mappings/"+name+".yaml", data)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		err = diag.FileError(name, err)
		if !strings.ContainsAny(name, `/\.`) {
			return nil, diag.WithHint(err, "built-in mappings: "+strings.Join(Names(), ", "))
		}
		return nil, err
	}
	return mapping.Load(name, data)
}

// minColumns is how many of an export's columns a built-in mapping must read (by name,
// optional ones included) to be picked: one that reads only Email and the names fits any
// list of people.
const minColumns = 4

// Pick returns the built-in mapping for an export with header h: the one whose
// expressions all compile against it and that reads at least minColumns of its columns,
// or, when several do, the one that reads every column the others read and more (a
// mapping that needs only Email fits many exports). Anything else is an error: a wrong
// guess could remove people.
func Pick(h *record.Header) (*mapping.Mapping, error) {
	type fit struct {
		m    *mapping.Mapping
		cols []string
	}
	var fits []fit
	for _, name := range Names() {
		m, err := Open(name)
		if err != nil {
			continue
		}
		if p, err := transform.Compile(m, h, transform.CompileOptions{}); err == nil && len(p.ColumnsRead()) >= minColumns {
			fits = append(fits, fit{m, p.ColumnsRead()})
		}
	}
	if len(fits) == 0 {
		return nil, &diag.Hint{
			Err:  fmt.Errorf("%s: -m auto: no built-in mapping fits this export's header", h.File),
			Text: "list them with 'torii-transform mappings'; draft a mapping for this export with 'torii-transform init " + h.File + "'",
		}
	}
	for _, f := range fits {
		if !slices.ContainsFunc(fits, func(o fit) bool {
			return o.m != f.m && !(len(o.cols) < len(f.cols) && subset(o.cols, f.cols))
		}) {
			return f.m, nil
		}
	}
	names := make([]string, len(fits))
	for i, f := range fits {
		names[i] = f.m.Name
	}
	return nil, &diag.Hint{
		Err:  fmt.Errorf("%s: -m auto: several built-in mappings fit this export: %s", h.File, strings.Join(names, ", ")),
		Text: "pick one with -m NAME",
	}
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
