package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/readers"
)

// writeVendorNDJSON writes an NDJSON export of n records made from the largest JSON
// sample of a built-in that reads an API's response (mappings/testdata/NAME/): the
// sample's records, one per line, repeated to the records asked for, with every email
// address in them, at any depth, made unique to the record's person. A million users
// come from an API a page at a time; NDJSON is how a script that pages through them
// hands them on (jq -c '.value[]' over each page).
func writeVendorNDJSON(name, dst string, n int) (*vendorExport, error) {
	m, err := mappings.Open(name)
	if err != nil {
		return nil, err
	}
	sample, err := largestSample(name, ".json", ".ndjson")
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(mappings.FS(), sample)
	if err != nil {
		return nil, err
	}
	src, err := readers.Open(strings.NewReader(string(raw)), sample, m.Input)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	all, err := readSample(src, sample)
	if err != nil {
		return nil, err
	}
	recs := make([]map[string]any, len(all))
	for i, rec := range all {
		recs[i] = rec.Object
	}
	v := &vendorExport{mapping: name, sample: sample, format: "ndjson"}
	for _, rec := range recs {
		for _, p := range emailPaths(rec, "") {
			if !slices.Contains(v.emails, p) {
				v.emails = append(v.emails, p)
			}
		}
	}
	slices.Sort(v.emails)

	f, err := os.Create(dst)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range n {
		person := i
		if i%5 == 4 {
			person = i / 5 // a person of an earlier record, again
		}
		if err := enc.Encode(uniqueEmails(recs[i%len(recs)], person)); err != nil {
			return nil, err
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return v, f.Close()
}

// isEmail tells the values the generators make unique: text with an @ and no spaces or
// list separators.
func isEmail(s string) bool {
	return strings.Contains(s, "@") && !strings.ContainsAny(strings.TrimSpace(s), " ,;")
}

// uniqueEmail makes an address unique to a person: local.0000042@domain.
func uniqueEmail(s string, person int) string {
	local, domain, _ := strings.Cut(s, "@")
	return fmt.Sprintf("%s.%07d@%s", local, person, domain)
}

// emailPaths returns the dotted paths of v's values that hold an address, outside lists.
func emailPaths(v any, prefix string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			out = append(out, emailPaths(x, prefix+k+".")...)
		}
	case string:
		if isEmail(v) {
			out = append(out, strings.TrimSuffix(prefix, "."))
		}
	}
	return out
}

// uniqueEmails returns a copy of v whose addresses are unique to person.
func uniqueEmails(v any, person int) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = uniqueEmails(x, person)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = uniqueEmails(x, person)
		}
		return out
	case string:
		if isEmail(v) {
			return uniqueEmail(v, person)
		}
	}
	return v
}

// largestSample returns the largest export, with one of the extensions, that the
// built-in's tests convert (NAME_test.yaml): the one most like a real export.
func largestSample(name string, exts ...string) (string, error) {
	data, err := fs.ReadFile(mappings.FS(), name+"_test.yaml")
	if err != nil {
		return "", err
	}
	var cases struct {
		Tests []struct{ Input string }
	}
	if err := yaml.Unmarshal(data, &cases); err != nil {
		return "", fmt.Errorf("%s_test.yaml: %v", name, err)
	}
	best, bestSize := "", int64(-1)
	for _, c := range cases.Tests {
		if c.Input == "" || !slices.Contains(exts, strings.ToLower(path.Ext(c.Input))) {
			continue
		}
		if info, err := fs.Stat(mappings.FS(), c.Input); err == nil && info.Size() > bestSize {
			best, bestSize = c.Input, info.Size()
		}
	}
	if best == "" {
		return "", fmt.Errorf("%s: no test converts a %s export", name, strings.Join(exts, " or "))
	}
	return best, nil
}
