package transform

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
)

// Job is one conversion of an export into a users file: what convert runs, and push -m,
// diff, a mapping's tests and the benchmarks with it.
type Job struct {
	// Mapping reads the export. Nil means Pick chooses one from the export's header.
	Mapping *mapping.Mapping
	// MappingErr holds the mapping's structural problems (see mapping.Load), reported
	// together with its expressions' problems.
	MappingErr error
	// Pick chooses the mapping for an export from its header, when Mapping is nil.
	Pick func(*record.Header) (*mapping.Mapping, error)

	// Export is read from where it stands. When it is an io.Seeker that can seek (a
	// file, not a pipe) and Pick chose the mapping, it is read again from there as the
	// mapping says (its footer, sheet, rows to skip).
	Export io.Reader
	// Name is the export's name in positions and messages.
	Name string
	// More are further files of the same export, such as the other pages of one API
	// listing, read after Export as its continuation, with the same settings. CSV and
	// XLSX pages must have the same columns; JSON pages' keys are gathered from all.
	More []Export
	// Overrides are the settings the command line gives, over the mapping's input
	// section (and, with Pick, over the defaults the header is read with).
	Overrides []readers.Override
	// Lookups names the file of a lookup table the mapping declares, by the table's
	// name, over the file the mapping gives.
	Lookups map[string]string
	// Wrap, when set, wraps the export's reader once it is known how to read it, such
	// as to count bytes for a progress line.
	Wrap func(io.Reader) io.Reader

	Run Options
}

// Export is one file of an export.
type Export struct {
	Reader io.Reader
	Name   string
}

// Input says how an export was read, for a summary.
type Input struct {
	Name      string
	Format    readers.Format
	Delimiter rune   // CSV
	Encoding  string // text formats
	Sheet     string // XLSX
	Path      string // JSON
	Footer    []string
	// Picked is the mapping Pick chose, when it did.
	Picked *mapping.Mapping
}

// Describe says how the input was read: `csv, delimiter ",", utf-8`, `xlsx, sheet
// "Users"`, `json, path "value", utf-8`.
func (in Input) Describe() string {
	detail := string(in.Format)
	switch in.Format {
	case readers.FormatCSV:
		detail += fmt.Sprintf(", delimiter %q", string(in.Delimiter))
	case readers.FormatXLSX:
		detail += fmt.Sprintf(", sheet %q", in.Sheet)
	case readers.FormatJSON:
		if in.Path != "" {
			detail += fmt.Sprintf(", path %q", in.Path)
		}
	}
	if in.Encoding != "" {
		detail += ", " + in.Encoding
	}
	return detail
}

// Convert reads the export, compiles the mapping against its header, reads the lookup
// tables and runs the mapping. The result comes back with ErrRejected too, for its row
// errors and counts; with other errors it is nil. Convert never closes job.Export.
func Convert(job Job) (*Result, Input, error) {
	in := Input{Name: job.Name}
	m := job.Mapping
	var src *readers.Input // the export as read to pick the mapping, when it cannot be read again
	if m == nil {
		var err error
		if m, src, err = job.pick(); err != nil {
			return nil, in, err
		}
		in.Picked = m
	}
	opt, err := m.Input.Apply(job.Overrides)
	if err != nil {
		return nil, in, diag.Usage(err)
	}
	if src == nil {
		r := job.Export
		if job.Wrap != nil {
			r = job.Wrap(r)
		}
		if src, err = readers.Open(r, job.Name, opt); err != nil {
			return nil, in, err
		}
	}
	defer src.Close()
	in.Format, in.Delimiter, in.Encoding, in.Sheet, in.Path = src.Format, src.Delimiter, src.Encoding, src.Sheet, src.Path
	pages := &pages{inputs: []*readers.Input{src}, header: src.Header}
	if len(job.More) > 0 {
		if opt.Format == "" {
			opt.Format = src.Format
		}
		for _, e := range job.More {
			more, err := readers.Open(e.Reader, e.Name, opt)
			if err != nil {
				return nil, in, err
			}
			defer more.Close()
			if err := pages.add(more); err != nil {
				return nil, in, err
			}
		}
	}
	tables, err := ReadTables(m, job.Lookups)
	if err != nil {
		return nil, in, err
	}
	prog, err := Compile(m, pages.header, CompileOptions{Timezone: opt.Timezone, Tables: tables})
	if job.MappingErr != nil || err != nil {
		return nil, in, MappingErrors(job.MappingErr, err)
	}
	res, err := prog.Run(pages, job.Run)
	for _, p := range pages.inputs {
		in.Footer = append(in.Footer, p.Footer()...)
	}
	if res != nil {
		last := pages.inputs[len(pages.inputs)-1]
		if marker := NextPage(last.Doc()); marker != "" {
			res.Warnings = append(res.Warnings, fmt.Errorf("%s: %s says there is a next page: the export is one page of several, and the users on the others would be removed in Torii; give every page: convert -m MAPPING page1.json page2.json and so on",
				last.Header.File, marker))
		}
	}
	return res, in, err
}

// pages reads the files of one export one after the other, as one export.
type pages struct {
	inputs []*readers.Input
	i      int
	header *record.Header // the first's, or, for JSON, the keys of all
}

// add appends an export's next file, whose columns must be the first's.
func (p *pages) add(in *readers.Input) error {
	first := p.inputs[0]
	p.inputs = append(p.inputs, in)
	if first.Header.Kind != record.Objects || in.Header.Kind != record.Objects {
		if !slices.Equal(first.Header.Names, in.Header.Names) || first.Header.Kind != in.Header.Kind {
			return &diag.Error{Pos: in.Header.Pos(-1), Err: &diag.Hint{
				Err:  fmt.Errorf("its columns differ from those of %s, the first file of the export", first.Header.File),
				Text: "give together only the pages of one export, saved the same way",
			}}
		}
		return nil
	}
	h := p.header
	names := slices.Clone(h.Names)
	for _, n := range in.Header.Names {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	merged := record.NewHeader(h.File, h.Sheet, h.Line, names)
	merged.Kind, merged.Sampled = record.Objects, h.Sampled+in.Header.Sampled
	merged.Keys = map[string][]string{}
	for _, keys := range []map[string][]string{h.Keys, in.Header.Keys} {
		for path, ks := range keys {
			merged.Keys[path] = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(merged.Keys[path]), ks...))))
		}
	}
	p.header = merged
	return nil
}

// Read returns the next record of the current file, going on to the next at its end.
func (p *pages) Read() (*record.Record, error) {
	for {
		rec, err := p.inputs[p.i].Read()
		if err == io.EOF && p.i+1 < len(p.inputs) {
			p.i++
			continue
		}
		return rec, err
	}
}

// Doc returns the members around the records of the files' JSON, the later files' over
// the earlier's.
func (p *pages) Doc() map[string]any {
	var doc map[string]any
	for _, in := range p.inputs {
		for k, v := range in.Doc() {
			if doc == nil {
				doc = map[string]any{}
			}
			doc[k] = v
		}
	}
	return doc
}

// NextPage returns the member of a JSON export's doc (see readers.JSON.Doc) that says
// more pages follow: a non-empty @odata.nextLink (Microsoft Graph), next_cursor under
// response_metadata (Slack), next or nextLink (at the top or under links or paging),
// nextPageToken (Google); "" when there is none.
func NextPage(doc map[string]any) string {
	set := func(v any) bool {
		s, ok := v.(string)
		return ok && strings.TrimSpace(s) != ""
	}
	for _, k := range []string{"@odata.nextLink", "nextLink", "next", "nextPageToken", "next_page", "next_cursor"} {
		if set(doc[k]) {
			return k
		}
	}
	for _, outer := range []string{"response_metadata", "links", "paging", "meta", "_links"} {
		inner, _ := doc[outer].(map[string]any)
		for _, k := range []string{"next_cursor", "next", "nextLink"} {
			if set(inner[k]) {
				return outer + "." + k
			}
			if link, ok := inner[k].(map[string]any); ok && set(link["href"]) {
				return outer + "." + k + ".href"
			}
		}
	}
	return ""
}

// pick reads the export's header as the command line says and has Pick choose the
// mapping. An export that can seek is rewound to where it started, to be read again as
// the mapping says; one that cannot (a pipe) is returned as read so far, to go on with,
// unless the mapping reads its export with settings of its own.
func (job Job) pick() (*mapping.Mapping, *readers.Input, error) {
	opt, err := readers.Options{}.Apply(job.Overrides)
	if err != nil {
		return nil, nil, diag.Usage(err)
	}
	start := int64(-1)
	seeker, _ := job.Export.(io.Seeker)
	if seeker != nil {
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			start = -1
		}
	}
	r := job.Export
	if start < 0 && job.Wrap != nil {
		r = job.Wrap(r) // read once: count it from the start
	}
	src, err := readers.Open(r, job.Name, opt)
	if err != nil {
		return nil, nil, err
	}
	m, err := job.Pick(src.Header)
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	if start >= 0 {
		src.Close()
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, nil, err
		}
		return m, nil, nil
	}
	if ownSettings(m.Input, src) {
		src.Close()
		return nil, nil, &diag.Hint{
			Err:  fmt.Errorf("%s: -m auto: the built-in mapping %s reads its export with settings of its own (its input section), which standard input was not read with", job.Name, m.Name),
			Text: "give the export as a file, or name the mapping: -m " + m.Name,
		}
	}
	return m, src, nil
}

// ReadTables reads the lookup tables m declares: each from the file files names for it,
// else from its file: relative to the mapping. A name in files that m does not declare
// is a usage error.
func ReadTables(m *mapping.Mapping, files map[string]string) (map[string]*Table, error) {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if _, ok := m.Lookups[name]; !ok {
			what := "declares no lookups"
			if len(m.Lookups) > 0 {
				what = "declares " + diag.QuoteAll(slices.Sorted(maps.Keys(m.Lookups)))
			}
			return nil, diag.Usage(fmt.Errorf("--input %s=...: %s has no lookup %q under lookups (it %s)", name, m.File, name, what))
		}
	}
	tables := map[string]*Table{}
	for name, l := range m.Lookups {
		path, ok := files[name]
		if !ok && l.File != "" {
			path = filepath.Join(filepath.Dir(m.File), l.File)
		}
		if path == "" && l.Optional {
			// No table: every key is missing, and its columns cannot be checked.
			h := record.NewHeader("", "", 0, nil)
			h.Kind = record.Objects
			tables[name] = &Table{Lookup: l, Header: h, rows: map[string]map[string]any{}}
			continue
		}
		if path == "" {
			return nil, &diag.Error{Pos: l.Pos, Err: &diag.Hint{
				Err:  fmt.Errorf("lookup %q needs an input", name),
				Text: fmt.Sprintf("give it with --input %s=FILE, or with file: under lookups.%s", name, name),
			}}
		}
		t, err := readTable(l, path)
		if err != nil {
			return nil, err
		}
		tables[name] = t
	}
	return tables, nil
}

func readTable(l *mapping.Lookup, path string) (*Table, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, diag.FileError(path, err)
	}
	defer fh.Close()
	src, err := readers.Open(fh, path, l.Input)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return ReadTable(l, src, src.Header)
}

// MappingErrors merges a mapping's structural and expression problems into one list, in
// the order of their lines.
func MappingErrors(errs ...error) error {
	var all diag.ErrorList
	for _, e := range errs {
		var list diag.ErrorList
		if errors.As(e, &list) {
			all = append(all, list...)
		} else if e != nil {
			all = append(all, e)
		}
	}
	slices.SortStableFunc(all, func(a, b error) int {
		var ea, eb *diag.Error
		if !errors.As(a, &ea) || !errors.As(b, &eb) || ea.Pos.File != eb.Pos.File {
			return 0
		}
		return cmp.Or(cmp.Compare(ea.Pos.Line, eb.Pos.Line), cmp.Compare(ea.Pos.Column, eb.Pos.Column))
	})
	return all.Err()
}

// ownSettings reports whether a mapping's input section changes how its export is read.
func ownSettings(o readers.Options, read *readers.Input) bool {
	if o.Path == read.Path {
		o.Path = "" // the records' path it names is where they were found
	}
	return o != (readers.Options{Format: o.Format})
}
