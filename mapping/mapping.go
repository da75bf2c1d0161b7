package mapping

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/values"
)

// Mapping is a parsed mapping file. Its expressions are not compiled yet: Compile does
// that against the header of a real input.
type Mapping struct {
	File        string
	Name        string
	Vendor      string // whose export it reads, for listings
	Export      string // which export, and where in the vendor's console to get it
	Description string
	// Detect lists the columns (JSON: top-level keys) that tell the vendor's export from
	// any other, for -m auto: each entry is one name, or alternative spellings of it.
	Detect      [][]string
	Input       readers.Options // how to read the export, unless flags say otherwise
	Let         []Named         // in file order: a value may use those before it
	Skip        []SkipRule
	Fail        []FailRule
	User        []Named // Torii user field → expression
	Licenses    []LicenseRule
	Catalog     map[string]LicenseInfo // per-license constants, by license name
	Statuses    *Enum                  // vendor word → Torii user status, for status()
	LicStatuses *Enum                  // vendor word → Torii license status, for licenseStatus()
	Enums       map[string]*Enum       // named tables for enum()
	Lookups     map[string]*Lookup     // keyed tables from other inputs, for lookup()

	src []string // the file's lines, for positions inside block scalars
}

// Expr is the source of one expression and where it is in the mapping file.
type Expr struct {
	Src string
	Pos diag.Pos

	line0  int // first line of the expression text itself (block scalars start below the key)
	col0   int
	quoted bool
	// comment is the column of a comment after a plain value on its line, or 0.
	comment int
}

// Comment returns where a YAML comment follows the expression on its line, which cut
// the text there if it was meant to be part of the expression.
func (e Expr) Comment() (diag.Pos, bool) {
	if e.comment == 0 {
		return diag.Pos{}, false
	}
	p := e.Pos
	p.Column = e.comment
	return p, true
}

// Named is a name bound to an expression: a let value or a user field.
type Named struct {
	Name    string
	NamePos diag.Pos
	Expr    Expr
}

// SkipRule drops the rows for which When is true. Reason names it in the summary.
type SkipRule struct {
	When   Expr
	Reason string
}

// FailRule refuses the rows for which When is true, with Message: for exports that
// cannot be converted as they are, such as a report whose user names are concealed.
type FailRule struct {
	When    Expr
	Message string
}

// LicenseRule grants licenses to the user of a row. Exactly one of Name (a constant) and
// Names (an expression giving one name or a list of names) is set.
type LicenseRule struct {
	Pos          diag.Pos
	Name         string
	Names        *Expr
	When         *Expr // grant only when true
	Status       *Expr // the user's licenseStatus; default from the user's status
	LastUsedDate *Expr
	// Price is the price per user read from the row, for each license the rule grants
	// there: cents, as cents() gives, or an amount as text. A constant price is in
	// Catalog instead.
	Price *Expr
}

// LicenseInfo holds per-license constants.
type LicenseInfo struct {
	Pos              diag.Pos
	PricePerUser     *int64 // cents
	UnassignedAmount *int64
	// Unassigned computes UnassignedAmount once, after the records, when the count
	// comes from another export: lookup("seats", "E3")["Available licenses"].
	Unassigned *Expr
}

// Enum maps vendor words to one of a fixed set of values. Words compare
// case-insensitively, ignoring surrounding spaces; a word not in the table is an error.
type Enum struct {
	Name   string
	Pos    diag.Pos
	words  map[string]string // folded word → value
	Values []string          // the allowed values, for messages
}

// Lookup returns the value for word.
func (e *Enum) Lookup(word string) (string, bool) {
	v, ok := e.words[FoldWord(word)]
	return v, ok
}

// FoldWord is how enum tables compare words: case-insensitively, ignoring surrounding
// spaces.
func FoldWord(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// keys are the keys each part of a mapping file may have. mappings/mapping.schema.json
// says the same for editors; a test keeps the two in step.
var keys = struct {
	mapping, skip, fail, license, catalog, lookup []string
}{
	mapping: []string{"version", "name", "vendor", "export", "description", "detect", "input", "let", "skip", "fail", "statuses", "licenseStatuses", "enums", "lookups", "user", "licenses", "catalog"},
	skip:    []string{"when", "reason"},
	fail:    []string{"when", "message"},
	license: []string{"name", "names", "when", "status", "lastUsedDate", "price", "unassignedAmount"},
	catalog: []string{"price", "unassignedAmount"},
	lookup:  []string{"key", "file", "onDuplicate", "onMissing", "optional", "input"},
}

// UserFields are the Torii user fields a mapping can set, in output order.
var UserFields = []string{"id", "email", "firstName", "lastName", "status", "externalStatus", "roles", "lastUsedDate"}

// Load parses a mapping file. It reports every structural problem at once, as an
// ErrorList of positioned errors; the mapping it returns with them holds what could be
// read, so that Compile can report the expressions' problems in the same run. Only a
// file that is not YAML gives no mapping.
func Load(name string, data []byte) (*Mapping, error) {
	m := &Mapping{File: name, Catalog: map[string]LicenseInfo{}, Enums: map[string]*Enum{}, Lookups: map[string]*Lookup{}}
	m.src = strings.Split(string(data), "\n")
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, m.src, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name}, "empty mapping file")
	}
	d := &decoder{m: m}
	d.mapping(doc.Content[0])
	return m, d.errs.Err()
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// yamlError positions a YAML syntax error, which the library reports as "yaml: line N: ...".
func yamlError(file string, src []string, err error) error {
	msg := err.Error()
	pos := diag.Pos{File: file}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	e := &diag.Error{Pos: pos, Err: errors.New(msg)}
	if pos.Line <= 0 || pos.Line > len(src) {
		return e
	}
	line := src[pos.Line-1]
	// A tab in the indentation is the most common reason a mapping does not parse, and
	// the parser's message does not say so.
	if indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]; strings.Contains(indent, "\t") {
		e.Pos.Column = strings.IndexByte(line, '\t') + 1
		e.Err = &diag.Hint{Err: e.Err, Text: "YAML indents with spaces, not tabs"}
		return e
	}
	// Next come expressions that YAML reads as YAML: a ternary's ": " as a key, a value
	// that starts with [ or { as a list or a map.
	key := strings.Index(line, ": ")
	if key < 0 || !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "-") {
		return e // expressions are values of nested keys, not of top-level ones
	}
	value := key + 2 + len(line[key+2:]) - len(strings.TrimLeft(line[key+2:], " "))
	switch {
	case strings.HasPrefix(msg, "mapping values are not allowed"):
		if i := strings.Index(line[value:], ": "); i >= 0 {
			e.Pos.Column = value + i + 1
			e.Err = &diag.Hint{Err: errors.New(`": " inside a value, which YAML reads as the start of a map`),
				Text: quoteHint}
		}
	case value < len(line) && (line[value] == '[' || line[value] == '{'):
		e.Pos.Column = value + 1
		e.Err = &diag.Hint{Err: fmt.Errorf("%s: a value that starts with %q is a YAML list or map, not text", msg, line[value]),
			Text: quoteHint}
	}
	return e
}

// quoteHint is how to keep YAML from reading an expression as YAML.
const quoteHint = `quote the expression ('row.a == "x" ? "y" : "z"', doubling any ' inside) or write it as a block: key: >- and the expression on the next line, indented`

type decoder struct {
	m    *Mapping
	errs diag.ErrorList
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.m.File, Line: n.Line, Column: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, diag.Errorf(d.pos(n), format, args...))
}

// fields walks a YAML mapping node, calling fn for each known key and reporting unknown,
// duplicate or missing-value keys.
func (d *decoder) fields(n *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping of keys to values", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case seen[k.Value]:
			d.errorf(k, "%s: %q is given twice", what, k.Value)
		case known != nil && !slices.Contains(known, k.Value):
			hint := diag.DidYouMean(k.Value, known)
			if hint == "" {
				hint = " (want " + strings.Join(known, ", ") + ")"
			}
			d.errorf(k, "%s: unknown key %q%s", what, k.Value, hint)
		default:
			seen[k.Value] = true
			fn(k.Value, k, v)
		}
	}
}

func (d *decoder) mapping(n *yaml.Node) {
	top := keys.mapping
	hasUser := false
	d.fields(n, "mapping", top, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if v.Value != "1" {
				d.errorf(v, "unsupported mapping version %q: this torii-transform reads version 1", v.Value)
			}
		case "name":
			d.m.Name = d.str(v, "name")
		case "vendor":
			d.m.Vendor = d.str(v, "vendor")
		case "export":
			d.m.Export = d.str(v, "export")
		case "description":
			d.m.Description = d.str(v, "description")
		case "detect":
			d.detect(v)
		case "input":
			d.input(v)
		case "let":
			d.m.Let = d.named(v, "let", nil)
		case "skip":
			d.skip(v)
		case "fail":
			d.fail(v)
		case "statuses":
			d.m.Statuses = d.enum(v, "statuses", []string{usersfile.StatusActive, usersfile.StatusDeleted})
		case "licenseStatuses":
			d.m.LicStatuses = d.enum(v, "licenseStatuses", []string{usersfile.LicenseStatusActive, usersfile.LicenseStatusInactive, usersfile.LicenseStatusDeleted})
		case "enums":
			d.fields(v, "enums", nil, func(name string, k, v *yaml.Node) {
				d.m.Enums[name] = d.enum(v, "enums."+name, nil)
			})
		case "lookups":
			d.lookups(v)
		case "user":
			hasUser = true
			d.m.User = d.named(v, "user", UserFields)
		case "licenses":
			d.licenses(v)
		case "catalog":
			d.catalog(v)
		}
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	d.priceTwice()
	if !hasUser {
		d.errorf(n, "mapping has no user section: at least user.email is needed")
		return
	}
	if !slices.ContainsFunc(d.m.User, func(f Named) bool { return f.Name == "email" }) {
		d.errs = append(d.errs, diag.Errorf(d.pos(n), "user.email is required: Torii identifies users by email"))
	}
	for _, l := range d.m.Let {
		if slices.Contains(reservedNames, l.Name) {
			d.errs = append(d.errs, diag.Errorf(l.NamePos, "let: %q is a reserved name", l.Name))
		}
	}
}

// reservedNames cannot be let names: expressions bind them (license only in a licenses
// rule's status and lastUsedDate, doc only in unassignedAmount).
var reservedNames = []string{"row", LicenseVar, "doc", "true", "false", "nil"}

// LicenseVar is the name under which a licenses rule's status and lastUsedDate see the
// license being granted.
const LicenseVar = "license"

func (d *decoder) str(v *yaml.Node, what string) string {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "%s must be text", what)
		return ""
	}
	return v.Value
}

// detect reads the distinctive columns: a list whose items are a name or a list of
// alternative names.
func (d *decoder) detect(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		d.errorf(n, "detect must be a list of column names")
		return
	}
	for _, item := range n.Content {
		var names []string
		switch item.Kind {
		case yaml.ScalarNode:
			names = []string{item.Value}
		case yaml.SequenceNode:
			for _, alt := range item.Content {
				names = append(names, d.str(alt, "detect: an alternative"))
			}
		default:
			d.errorf(item, "detect: want a column name, or a list of its spellings")
		}
		if len(names) > 0 {
			d.m.Detect = append(d.m.Detect, names)
		}
	}
}

func (d *decoder) input(n *yaml.Node) { d.inputInto(n, "input", &d.m.Input) }

// inputInto reads an input section, the mapping's or a lookup's, into in. Its keys are
// the readers' settings, which the command line's flags override.
func (d *decoder) inputInto(n *yaml.Node, what string, in *readers.Options) {
	d.fields(n, what, readers.SettingKeys(), func(key string, k, v *yaml.Node) {
		s, _ := readers.SettingByKey(key)
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			d.errorf(v, "%s.%s: want a value, such as %s: %s", what, key, key, s.Type)
			return
		}
		if err := s.Set(in, v.Value); err != nil {
			d.errorf(v, "%s.%s: %v", what, key, err)
		}
	})
}

// expr reads an expression from a scalar node and records where its text starts, so that
// compile errors inside it point at the right line and column of the mapping file.
func (d *decoder) expr(v *yaml.Node, what string) (Expr, bool) {
	if (v.Kind == yaml.SequenceNode || v.Kind == yaml.MappingNode) && v.Style&yaml.FlowStyle != 0 {
		d.errs = append(d.errs, &diag.Error{Pos: d.pos(v), Err: &diag.Hint{
			Err:  fmt.Errorf("%s: want an expression; a value that starts with [ or { is a YAML list or map", what),
			Text: quoteHint,
		}})
		return Expr{}, false
	}
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		d.errorf(v, "%s: want an expression", what)
		return Expr{}, false
	}
	e := Expr{Src: v.Value, Pos: d.pos(v), line0: v.Line, col0: v.Column}
	if v.Style == 0 && v.Line-1 < len(d.m.src) {
		// A plain value ends at " #", which starts a comment: an expression that holds
		// one (a string with # in it) is cut there.
		line := d.m.src[v.Line-1]
		if end := v.Column - 1 + len(v.Value); end < len(line) {
			if i := strings.Index(line[end:], "#"); i >= 0 && !strings.Contains(v.Value, "\n") {
				e.comment = end + i + 1
			}
		}
	}
	switch v.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		e.col0++
		e.quoted = true
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// The text starts on the next line, at that line's indentation.
		e.line0 = v.Line + 1
		if e.line0-1 < len(d.m.src) {
			line := d.m.src[e.line0-1]
			e.col0 = len(line) - len(strings.TrimLeft(line, " ")) + 1
		}
	}
	if strings.TrimSpace(e.Src) == "" {
		d.errorf(v, "%s: empty expression", what)
		return e, false
	}
	return e, true
}

// named reads a mapping of names to expressions. known, when not nil, limits the names.
func (d *decoder) named(n *yaml.Node, what string, known []string) []Named {
	var out []Named
	d.fields(n, what, known, func(key string, k, v *yaml.Node) {
		if e, ok := d.expr(v, what+"."+key); ok {
			out = append(out, Named{Name: key, NamePos: d.pos(k), Expr: e})
		}
	})
	return out
}

func (d *decoder) skip(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "skip must be a list of rules")
		return
	}
	for i, item := range n.Content {
		what := fmt.Sprintf("skip[%d]", i)
		if item.Kind == yaml.ScalarNode {
			if e, ok := d.expr(item, what); ok {
				d.m.Skip = append(d.m.Skip, SkipRule{When: e, Reason: strings.TrimSpace(e.Src)})
			}
			continue
		}
		var r SkipRule
		ok := false
		d.fields(item, what, keys.skip, func(key string, k, v *yaml.Node) {
			switch key {
			case "when":
				r.When, ok = d.expr(v, what+".when")
			case "reason":
				r.Reason = d.str(v, what+".reason")
			}
		})
		if item.Kind == yaml.MappingNode && r.When.Src == "" && !ok {
			if !hasKey(item, "when") {
				d.errorf(item, "%s: missing when", what)
			}
			continue
		}
		if r.Reason == "" {
			r.Reason = strings.TrimSpace(r.When.Src)
		}
		d.m.Skip = append(d.m.Skip, r)
	}
}

func (d *decoder) fail(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "fail must be a list of rules")
		return
	}
	for i, item := range n.Content {
		what := fmt.Sprintf("fail[%d]", i)
		var r FailRule
		ok := false
		d.fields(item, what, keys.fail, func(key string, k, v *yaml.Node) {
			switch key {
			case "when":
				r.When, ok = d.expr(v, what+".when")
			case "message":
				r.Message = strings.TrimSpace(d.str(v, what+".message"))
			}
		})
		if item.Kind != yaml.MappingNode {
			continue
		}
		if !hasKey(item, "when") || !hasKey(item, "message") {
			d.errorf(item, "%s: needs when (which rows) and message (what is wrong, and what to do)", what)
			continue
		}
		if ok {
			d.m.Fail = append(d.m.Fail, r)
		}
	}
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// enum reads a table of value → list of vendor words. allowed, when not nil, limits the
// values to Torii's enum.
func (d *decoder) enum(n *yaml.Node, what string, allowed []string) *Enum {
	e := &Enum{Name: what, Pos: d.pos(n), words: map[string]string{}}
	where := map[string]diag.Pos{}
	d.fields(n, what, nil, func(value string, k, v *yaml.Node) {
		if allowed != nil && !slices.Contains(allowed, value) {
			d.errorf(k, "%s: %q is not a Torii value (want %s)", what, value, strings.Join(allowed, ", "))
			return
		}
		e.Values = append(e.Values, value)
		words := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			words = v.Content
		}
		for _, w := range words {
			if w.Kind != yaml.ScalarNode {
				d.errorf(w, "%s.%s: want a vendor word or a list of them", what, value)
				continue
			}
			f := FoldWord(w.Value)
			if prev, dup := e.words[f]; dup {
				d.errorf(w, "%s: %q is listed under both %q and %q (first at %s)", what, w.Value, prev, value, where[f])
				continue
			}
			e.words[f], where[f] = value, d.pos(w)
		}
	})
	return e
}

func (d *decoder) licenses(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "licenses must be a list")
		return
	}
	known := keys.license
	for i, item := range n.Content {
		what := fmt.Sprintf("licenses[%d]", i)
		r := LicenseRule{Pos: d.pos(item)}
		var info LicenseInfo
		optional := func(v *yaml.Node, key string) *Expr {
			if e, ok := d.expr(v, what+"."+key); ok {
				return &e
			}
			return nil
		}
		d.fields(item, what, known, func(key string, k, v *yaml.Node) {
			switch key {
			case "name":
				r.Name = strings.TrimSpace(d.str(v, what+".name"))
				if r.Name == "" {
					d.errorf(v, "%s.name: empty license name", what)
				}
			case "names":
				r.Names = optional(v, key)
			case "when":
				r.When = optional(v, key)
			case "status":
				r.Status = optional(v, key)
			case "lastUsedDate":
				r.LastUsedDate = optional(v, key)
			case "price", "unassignedAmount":
				d.licenseConst(&info, &r, key, v, what)
			}
		})
		if item.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case r.Name == "" && r.Names == nil && !hasKey(item, "name") && !hasKey(item, "names"):
			d.errorf(item, "%s: needs name (a license name) or names (an expression giving names)", what)
		case r.Name != "" && r.Names != nil:
			d.errorf(item, "%s: give name or names, not both", what)
		case r.Names != nil && (info.PricePerUser != nil || info.UnassignedAmount != nil || info.Unassigned != nil):
			d.errorf(item, "%s: price and unassignedAmount need a constant name; declare them under catalog", what)
		case r.Name != "" && (info.PricePerUser != nil || info.UnassignedAmount != nil || info.Unassigned != nil):
			info.Pos = r.Pos
			d.addInfo(r.Name, info, item)
		}
		d.m.Licenses = append(d.m.Licenses, r)
	}
}

// priceTwice reports the licenses whose price is a constant (in their name rule or under
// catalog) and also read from the export by a rule that names them: which one holds is
// not for torii-transform to guess.
func (d *decoder) priceTwice() {
	for i, r := range d.m.Licenses {
		if r.Price == nil || r.Name == "" {
			continue
		}
		if info, ok := d.m.Catalog[r.Name]; ok && info.PricePerUser != nil {
			d.errs = append(d.errs, &diag.Error{Pos: r.Price.Pos, Err: &diag.Hint{
				Err:  fmt.Errorf("licenses[%d].price: license %q also has a constant price, at %s", i, r.Name, info.Pos),
				Text: "give a license one price: a constant, or an expression that reads it from the export",
			}})
		}
	}
}

// licenseConst reads price (the price per user as an invoice writes it, such as $8.75;
// Torii's pricePerUser is in cents, and a key of that name would invite 875 for $8.75 and
// 875 for $875 alike) or unassignedAmount (a whole number of seats). A value that is not
// written as an amount or a number is an expression: in a licenses rule, a price read from
// each row (into r.Price); in unassignedAmount, a count computed after the records. r is
// nil under catalog, which holds constants only.
func (d *decoder) licenseConst(info *LicenseInfo, r *LicenseRule, key string, v *yaml.Node, what string) {
	s := d.str(v, what+"."+key)
	switch key {
	case "price":
		c, ok, err := values.ParseCents(s, 0, 0)
		switch {
		case err != nil && !looksLikeAmount(s) && v.Tag != "!!int" && v.Tag != "!!float":
			if r == nil {
				d.errs = append(d.errs, &diag.Error{Pos: d.pos(v), Err: &diag.Hint{
					Err:  fmt.Errorf("%s.price: want a price such as 8.75 or \"$8.75\", got %q", what, s),
					Text: "a price read from the export is an expression in the licenses rule that grants the license: price: cents(row.Price)",
				}})
				return
			}
			if e, ok := d.expr(v, what+".price"); ok {
				r.Price = &e
			}
		case err != nil:
			d.errorf(v, "%s.price: %v", what, err)
		case !ok || c < 0:
			d.errorf(v, "%s.price: want a price such as 8.75 or \"$8.75\", got %q", what, s)
		default:
			info.PricePerUser = &c
		}
	case "unassignedAmount":
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err == nil && n >= 0:
			info.UnassignedAmount = &n
		case v.Tag == "!!int" || strings.TrimSpace(s) == "":
			d.errorf(v, "%s.unassignedAmount: want a whole number of seats, got %q", what, s)
		default:
			// Not a number: an expression, such as a lookup in a seat-count export.
			if e, ok := d.expr(v, what+".unassignedAmount"); ok {
				info.Unassigned = &e
			}
		}
	}
}

// looksLikeAmount says whether text is written as an amount, right or wrong ($8.7.5,
// "1,234", "USD 12,34,5"), rather than as an expression: it starts with a digit, a sign,
// a parenthesis, a decimal point, a currency symbol or a currency code.
func looksLikeAmount(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	if unicode.IsDigit(r) || unicode.Is(unicode.Sc, r) || strings.ContainsRune("+-(.", r) {
		return true
	}
	return currencyCode.MatchString(s)
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}(\s|[0-9]|$)`)

func (d *decoder) addInfo(name string, info LicenseInfo, n *yaml.Node) {
	if prev, dup := d.m.Catalog[name]; dup {
		d.errorf(n, "license %q: price or unassignedAmount declared twice (first at %s)", name, prev.Pos)
		return
	}
	d.m.Catalog[name] = info
}

func (d *decoder) catalog(n *yaml.Node) {
	d.fields(n, "catalog", nil, func(name string, k, v *yaml.Node) {
		info := LicenseInfo{Pos: d.pos(k)}
		what := "catalog." + name
		d.fields(v, what, keys.catalog, func(key string, _, v *yaml.Node) {
			d.licenseConst(&info, nil, key, v, what)
		})
		d.addInfo(strings.TrimSpace(name), info, k)
	})
}

// At returns the mapping-file position of the rune at offset in the expression's text.
func (e Expr) At(offset int) diag.Pos {
	p := e.Pos
	if e.line0 == 0 {
		return p
	}
	p.Line, p.Column = e.line0, e.col0
	for i, r := range []rune(e.Src) {
		if i == offset {
			break
		}
		if r == '\n' {
			p.Line++
			p.Column = e.col0
			continue
		}
		p.Column++
	}
	return p
}

// Exprs calls fn with every expression of the mapping, in the order of its sections.
func (m *Mapping) Exprs(fn func(e Expr)) {
	for _, l := range m.Let {
		fn(l.Expr)
	}
	for _, s := range m.Skip {
		fn(s.When)
	}
	for _, f := range m.Fail {
		fn(f.When)
	}
	for _, u := range m.User {
		fn(u.Expr)
	}
	for _, r := range m.Licenses {
		for _, e := range []*Expr{r.Names, r.When, r.Status, r.LastUsedDate, r.Price} {
			if e != nil {
				fn(*e)
			}
		}
	}
	for _, info := range m.Catalog {
		if info.Unassigned != nil {
			fn(*info.Unassigned)
		}
	}
}
