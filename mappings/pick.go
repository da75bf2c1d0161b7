package mappings

import (
	"errors"
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

// Pick returns the built-in mapping for an export with header h. A built-in is picked
// only on the columns (JSON: top-level keys) its detect section declares distinctive of
// its vendor's export, never on generic ones such as Email or Status that any list of
// people has: it fits when the header has every one of them and all its expressions
// compile against the header. Exactly one must fit. Anything else is an error that names
// the closest built-ins and why each was not taken: a wrong guess could remove people.
func Pick(h *record.Header) (*mapping.Mapping, error) {
	var fits []*mapping.Mapping
	var near []candidate
	for _, name := range Names() {
		m, err := Open(name)
		if err != nil || len(m.Detect) == 0 {
			continue
		}
		c := match(m, h)
		if len(c.missing) == 0 {
			_, err := transform.Compile(m, h, transform.CompileOptions{})
			if err == nil {
				fits = append(fits, m)
				continue
			}
			c.err = err
		}
		if len(c.found) > 0 {
			near = append(near, c)
		}
	}
	switch len(fits) {
	case 1:
		return fits[0], nil
	case 0:
	default:
		names := make([]string, len(fits))
		for i, m := range fits {
			names[i] = m.Name
		}
		return nil, &diag.Hint{
			Err:  fmt.Errorf("%s: -m auto: several built-in mappings fit this export: %s", h.File, strings.Join(names, ", ")),
			Text: "pick one with -m NAME",
		}
	}
	hint := &diag.Hint{
		Err:  fmt.Errorf("%s: -m auto: no built-in mapping fits this export's header", h.File),
		Text: "list them with 'torii-transform mappings'; draft a mapping for this export with 'torii-transform init " + h.File + "'",
	}
	if len(near) == 0 {
		return nil, hint
	}
	// The closest first: the most distinctive columns found, then the fewest missing.
	slices.SortStableFunc(near, func(a, b candidate) int {
		if d := len(b.found) - len(a.found); d != 0 {
			return d
		}
		return len(a.missing) - len(b.missing)
	})
	if len(near) > maxNear {
		near = near[:maxNear]
	}
	errs := diag.ErrorList{hint.Err}
	for _, c := range near {
		errs = append(errs, fmt.Errorf("%s: -m auto: not %s: %s", h.File, c.m.Name, c.why()))
	}
	errs[len(errs)-1] = &diag.Hint{Err: errs[len(errs)-1], Text: hint.Text}
	return nil, errs
}

// maxNear is how many of the closest built-ins a refusal names.
const maxNear = 3

// candidate is how a built-in mapping's distinctive columns compare with a header.
type candidate struct {
	m       *mapping.Mapping
	found   []string // the distinctive columns the header has, as it spells them
	missing []string // those it lacks, alternatives joined with " or "
	err     error    // when none is missing: why the mapping does not compile
}

// match compares m's distinctive columns with h's.
func match(m *mapping.Mapping, h *record.Header) candidate {
	c := candidate{m: m}
	for _, names := range m.Detect {
		i := slices.IndexFunc(names, func(n string) bool { _, ok := h.Index(n); return ok })
		if i < 0 {
			c.missing = append(c.missing, strings.Join(quoteAll(names), " or "))
			continue
		}
		c.found = append(c.found, names[i])
	}
	return c
}

// why says why a candidate was not taken.
func (c candidate) why() string {
	found := "has " + strings.Join(quoteAll(c.found), ", ")
	if len(c.missing) > 0 {
		return fmt.Sprintf("%s of %s's export but not %s", found, c.m.Vendor, strings.Join(c.missing, ", "))
	}
	return fmt.Sprintf("%s of %s's export but the mapping does not fit the rest of the header: %s", found, c.m.Vendor, firstError(c.err))
}

// firstError is the first of err's problems, without its position in the mapping file.
func firstError(err error) string {
	var list diag.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		err = list[0]
	}
	var e *diag.Error
	if errors.As(err, &e) {
		err = e.Err
	}
	return err.Error()
}

func quoteAll(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return q
}
