package mapping

import (
	"strings"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/readers"
	"go.yaml.in/yaml/v3"
)

// Lookup declares a keyed table read from a second input, for lookup(name, key).
type Lookup struct {
	Name        string
	Pos         diag.Pos
	Key         string          // the column (or top-level JSON key) whose value is the key
	File        string          // default input, relative to the mapping file; "" means --input is needed
	OnDuplicate string          // error (default), first or last
	OnMissing   string          // error (default) or empty
	Optional    bool            // with no input given, the table is empty (needs OnMissing empty)
	Input       readers.Options // how to read it
}

// Policies of a Lookup.
const (
	PolicyError = "error"
	PolicyFirst = "first"
	PolicyLast  = "last"
	PolicyEmpty = "empty"
)

func (d *decoder) lookups(n *yaml.Node) {
	d.fields(n, "lookups", nil, func(name string, k, v *yaml.Node) {
		what := "lookups." + name
		l := &Lookup{Name: name, Pos: d.pos(k), OnDuplicate: PolicyError, OnMissing: PolicyError}
		d.fields(v, what, keys.lookup, func(key string, k, v *yaml.Node) {
			switch key {
			case "key":
				l.Key = d.str(v, what+".key")
			case "file":
				l.File = d.str(v, what+".file")
			case "onDuplicate":
				l.OnDuplicate = d.policy(v, what+".onDuplicate", PolicyError, PolicyFirst, PolicyLast)
			case "onMissing":
				l.OnMissing = d.policy(v, what+".onMissing", PolicyError, PolicyEmpty)
			case "optional":
				if v.Value != "true" && v.Value != "false" {
					d.errorf(v, "%s.optional: want true or false, got %q", what, v.Value)
				}
				l.Optional = v.Value == "true"
			case "input":
				d.inputInto(v, what+".input", &l.Input)
			}
		})
		if l.Optional && l.OnMissing != PolicyEmpty {
			d.errorf(k, "%s: optional: true needs onMissing: empty (with no input, every key is missing)", what)
		}
		if v.Kind == yaml.MappingNode && l.Key == "" {
			d.errorf(v, "%s: needs key, the column that holds the key", what)
		}
		d.m.Lookups[name] = l
	})
}

func (d *decoder) policy(v *yaml.Node, what string, allowed ...string) string {
	s := d.str(v, what)
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	d.errorf(v, "%s: want %s, got %q", what, strings.Join(allowed, " or "), s)
	return allowed[0]
}
