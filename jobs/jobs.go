// Package jobs reads a jobs file, which lists the custom integrations to convert and push
// in one run, checks it, and runs its jobs one after another.
package jobs

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mappings"
	"github.com/torii-transform/torii-transform/push"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/transform"
)

// File is a parsed jobs file.
type File struct {
	Path     string // as given, for positions
	Dir      string // relative paths in the file are taken from here
	Defaults Defaults
	Jobs     []*Job
}

// Defaults are the settings every job shares. Paths in them are resolved against the
// jobs file's folder.
type Defaults struct {
	APIURL     string // empty: the environment's, else Torii's
	APIKeyFile string // empty: TORII_API_KEY
	StateDir   string // empty: push.StateDir
	Settings
}

// Settings are what a job may set for itself and the defaults set for every job. Zero
// values mean unset.
type Settings struct {
	Wait           time.Duration
	Timeout        time.Duration
	MaxAge         time.Duration // refuse an export file older than this
	CommandTimeout time.Duration
	guard          guardSettings
}

type guardSettings struct {
	maxRemoved        string // as SetMaxRemoved reads it; "" is unset
	maxRemovedPercent *float64
}

// Defaults for the settings the file leaves out.
const (
	DefaultWait           = 3 * time.Minute
	DefaultTimeout        = 10 * time.Minute
	DefaultCommandTimeout = 5 * time.Minute
)

// Job is one integration: an export, the mapping that converts it, and the app account
// its users file is pushed to.
type Job struct {
	Name string
	Pos  diag.Pos // the job's entry in the jobs file

	// Exactly one of Export and Command is set. Export is a path, resolved against the
	// jobs file's folder; with glob characters (* ? [) it stands for the newest file
	// that matches. Command is run with sh -c in the jobs file's folder, and its
	// standard output is the export.
	Export  string
	Command string

	// Mapping is a built-in mapping's name, auto, or a file resolved against the jobs
	// file's folder.
	Mapping    string
	MappingPos diag.Pos
	// Lookups names the file of each lookup table, by the table's name; paths are
	// resolved against the jobs file's folder.
	Lookups   map[string]string
	LookupPos map[string]diag.Pos
	// Overrides are the job's reading settings, applied over the mapping's input
	// section as the command line's flags are.
	Overrides  []readers.Override
	OnError    transform.OnError
	AppAccount int64
	Guard      push.Guard

	// Wait, Timeout, MaxAge and CommandTimeout are the job's own or the defaults'.
	Settings
}

// keys are the keys each part of a jobs file may have. jobs.schema.json says the same
// for editors; a test keeps the two in step.
var keys = struct {
	file, defaults, job []string
}{
	file:     []string{"version", "defaults", "jobs"},
	defaults: []string{"apiUrl", "apiKeyFile", "stateDir", "wait", "timeout", "maxAge", "commandTimeout", "maxRemoved", "maxRemovedPercent"},
	job:      []string{"name", "export", "command", "mapping", "lookups", "input", "onError", "appAccount", "maxRemoved", "maxRemovedPercent", "force", "wait", "timeout", "maxAge", "commandTimeout"},
}

// secretKeys are keys that would hold the API key, which a jobs file must not.
var secretKeys = []string{"apikey", "key", "token", "apitoken", "secret", "toriiapikey", "password", "bearer"}

func isSecretKey(k string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(k))
	return slices.Contains(secretKeys, n)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Load parses a jobs file. It reports every problem at once, as a diag.ErrorList of
// positioned errors; the file it returns with them holds what could be read. Only data
// that is not YAML gives no file. Load reads no other file: Check loads the mappings.
func Load(path string, data []byte) (*File, error) {
	f := &File{Path: path, Dir: filepath.Dir(path)}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, diag.Errorf(diag.Pos{File: path}, "empty jobs file")
	}
	d := &decoder{f: f}
	d.file(doc.Content[0])
	f.resolveDefaults()
	slices.SortStableFunc(d.errs, func(a, b error) int {
		pa, pb := a.(*diag.Error).Pos, b.(*diag.Error).Pos
		return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column))
	})
	return f, d.errs.Err()
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

func yamlError(file string, err error) error {
	msg := err.Error()
	pos := diag.Pos{File: file}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return &diag.Error{Pos: pos, Err: errors.New(msg)}
}

type decoder struct {
	f    *File
	errs diag.ErrorList
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.f.Path, Line: n.Line, Column: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, diag.Errorf(d.pos(n), format, args...))
}

func (d *decoder) hintf(n *yaml.Node, hint, format string, args ...any) {
	d.errs = append(d.errs, &diag.Error{Pos: d.pos(n), Err: &diag.Hint{Err: fmt.Errorf(format, args...), Text: hint}})
}

// fields walks a YAML mapping node, calling fn for each known key and reporting unknown,
// duplicate and secret keys. A secret's value is never repeated.
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
		case known != nil && isSecretKey(k.Value):
			d.hintf(k, "set TORII_API_KEY, or name a file that holds the key with defaults.apiKeyFile (mode 0600), and remove the key from this file",
				"%s: %q: a jobs file must not hold the API key", what, k.Value)
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

func (d *decoder) file(n *yaml.Node) {
	hasJobs := false
	d.fields(n, "jobs file", keys.file, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if v.Value != "1" {
				d.errorf(v, "unsupported jobs file version %q: this torii-transform reads version 1", v.Value)
			}
		case "defaults":
			d.defaults(v)
		case "jobs":
			hasJobs = true
			d.jobs(v)
		}
	})
	if n.Kind == yaml.MappingNode && !hasJobs {
		d.errorf(n, "jobs file has no jobs list")
	}
}

func (d *decoder) defaults(n *yaml.Node) {
	def := &d.f.Defaults
	d.fields(n, "defaults", keys.defaults, func(key string, k, v *yaml.Node) {
		switch key {
		case "apiUrl":
			def.APIURL = d.str(v, "defaults.apiUrl")
		case "apiKeyFile":
			def.APIKeyFile = d.path(v, "defaults.apiKeyFile")
		case "stateDir":
			def.StateDir = d.path(v, "defaults.stateDir")
		default:
			d.setting(&def.Settings, "defaults", key, v)
		}
	})
}

// setting reads one of the keys that both the defaults and a job may give.
func (d *decoder) setting(s *Settings, what, key string, v *yaml.Node) {
	what += "." + key
	switch key {
	case "wait":
		s.Wait = d.duration(v, what, true)
	case "timeout":
		s.Timeout = d.duration(v, what, false)
	case "maxAge":
		s.MaxAge = d.duration(v, what, false)
	case "commandTimeout":
		s.CommandTimeout = d.duration(v, what, false)
	case "maxRemoved":
		val := d.str(v, what)
		if err := new(push.Guard).SetMaxRemoved(val); val != "" && err != nil {
			d.errorf(v, "%s: %v", what, err)
			return
		}
		s.guard.maxRemoved = val
	case "maxRemovedPercent":
		p, err := strconv.ParseFloat(strings.TrimSpace(d.str(v, what)), 64)
		if v.Kind == yaml.ScalarNode && (err != nil || p < 0 || p > 100 || math.IsNaN(p)) {
			d.errorf(v, "%s: want a percentage from 0 to 100, such as 5, got %q", what, v.Value)
			return
		}
		s.guard.maxRemovedPercent = &p
	}
}

func (d *decoder) str(v *yaml.Node, what string) string {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		d.errorf(v, "%s: want a value", what)
		return ""
	}
	return v.Value
}

// path reads a path, resolved against the jobs file's folder.
func (d *decoder) path(v *yaml.Node, what string) string {
	p := d.str(v, what)
	if p == "" {
		return ""
	}
	return d.f.resolve(p)
}

func (f *File) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.Dir, p)
}

// duration reads a Go duration such as 26h or 90s; zero is allowed only where zeroOK.
func (d *decoder) duration(v *yaml.Node, what string, zeroOK bool) time.Duration {
	s := d.str(v, what)
	if v.Kind != yaml.ScalarNode {
		return 0
	}
	t, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil && strings.HasSuffix(strings.TrimSpace(s), "d"):
		d.hintf(v, "durations are in hours, minutes and seconds: 2 days is 48h", "%s: want a duration such as 26h or 90m, got %q", what, s)
	case err != nil:
		d.errorf(v, "%s: want a duration such as 26h or 90m, got %q", what, s)
	case t < 0 || t == 0 && !zeroOK:
		d.errorf(v, "%s: want a positive duration, got %q", what, s)
	default:
		return t
	}
	return 0
}

func (d *decoder) jobs(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "jobs must be a list of jobs, each with a name")
		return
	}
	names := map[string]*Job{}
	accounts := map[int64]*Job{}
	for i, item := range n.Content {
		j := d.job(item, i)
		if j == nil {
			continue
		}
		if first, dup := accounts[j.AppAccount]; dup && j.AppAccount > 0 {
			d.errs = append(d.errs, &diag.Error{Pos: j.Pos, Err: &diag.Hint{
				Err:  fmt.Errorf("jobs[%d]: app account %d is job %s's too (line %d): each sync replaces the account's users, so the two jobs would undo each other", i, j.AppAccount, first.Name, first.Pos.Line),
				Text: "give each integration its own custom integration in Torii, or merge the exports into one job",
			}})
		} else if j.AppAccount > 0 {
			accounts[j.AppAccount] = j
		}
		if j.Name != "" {
			if first, dup := names[j.Name]; dup {
				d.errs = append(d.errs, diag.Errorf(j.Pos, "jobs[%d]: job name %q is taken by the job at line %d", i, j.Name, first.Pos.Line))
			} else {
				names[j.Name] = j
			}
		}
		d.f.Jobs = append(d.f.Jobs, j)
	}
	if len(n.Content) == 0 {
		d.errorf(n, "jobs: the list is empty")
	}
}

func (d *decoder) job(n *yaml.Node, i int) *Job {
	what := fmt.Sprintf("jobs[%d]", i)
	if name := valueOf(n, "name"); name != nil && name.Kind == yaml.ScalarNode && name.Value != "" {
		what = fmt.Sprintf("jobs[%d] (%s)", i, name.Value)
	}
	j := &Job{Pos: d.pos(n)}
	var exportNode, guardCount, guardPercent *yaml.Node
	d.fields(n, what, keys.job, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			j.Name = d.str(v, fmt.Sprintf("jobs[%d].name", i))
			if j.Name != "" && !nameRE.MatchString(j.Name) {
				d.errorf(v, "jobs[%d].name: %q: want letters, digits, '.', '_' and '-', starting with a letter or digit", i, j.Name)
			}
		case "export":
			exportNode = k
			j.Export = d.path(v, what+".export")
		case "command":
			exportNode = k
			j.Command = d.str(v, what+".command")
			if v.Kind == yaml.ScalarNode && strings.TrimSpace(j.Command) == "" {
				d.errorf(v, "%s.command: empty command", what)
			}
		case "mapping":
			j.MappingPos = d.pos(v)
			j.Mapping = d.str(v, what+".mapping")
			if j.Mapping != "" && j.Mapping != mappings.Auto && !mappings.IsBuiltin(j.Mapping) {
				j.Mapping = d.f.resolve(j.Mapping)
			}
		case "lookups":
			j.Lookups, j.LookupPos = map[string]string{}, map[string]diag.Pos{}
			d.fields(v, what+".lookups", nil, func(name string, k, v *yaml.Node) {
				if p := d.path(v, what+".lookups."+name); p != "" {
					j.Lookups[name], j.LookupPos[name] = p, d.pos(k)
				}
			})
		case "input":
			d.input(v, what+".input", j)
		case "onError":
			switch s := d.str(v, what+".onError"); s {
			case "", "fail":
				j.OnError = transform.Fail
			case "skip":
				j.OnError = transform.Skip
			default:
				d.errorf(v, "%s.onError: want fail or skip, got %q", what, s)
			}
		case "appAccount":
			id, err := strconv.ParseInt(strings.TrimSpace(v.Value), 10, 64)
			if v.Kind != yaml.ScalarNode || err != nil || id <= 0 {
				d.hintf(v, "the app account ID is on the custom integration's tile in Torii (Integrations)", "%s.appAccount: want the app account ID, a positive number, got %q", what, v.Value)
			}
			j.AppAccount = id
		case "force":
			b, err := strconv.ParseBool(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				d.errorf(v, "%s.force: want true or false, got %q", what, v.Value)
			}
			j.Guard.Force = b
		case "maxRemoved":
			guardCount = v
			d.setting(&j.Settings, what, key, v)
		case "maxRemovedPercent":
			guardPercent = v
			d.setting(&j.Settings, what, key, v)
		default:
			d.setting(&j.Settings, what, key, v)
		}
	})
	if n.Kind != yaml.MappingNode {
		return nil
	}
	if j.Name == "" && !hasKey(n, "name") {
		d.errorf(n, "%s: missing name", what)
	}
	switch {
	case j.Export != "" && j.Command != "":
		d.errorf(exportNode, "%s: give export (a file or a glob) or command, not both", what)
	case exportNode == nil:
		d.hintf(n, "export: /srv/exports/acme-*.csv takes the newest matching file; command: runs a program whose standard output is the export", "%s: missing export or command", what)
	}
	if j.Mapping == "" && !hasKey(n, "mapping") {
		d.errorf(n, "%s: missing mapping", what)
	}
	if j.AppAccount == 0 && !hasKey(n, "appAccount") {
		d.errorf(n, "%s: missing appAccount", what)
	}
	if guardCount != nil && guardPercent != nil && strings.HasSuffix(strings.TrimSpace(guardCount.Value), "%") {
		d.errorf(guardPercent, "%s: maxRemoved already gives a percentage", what)
	}
	if j.Command == "" && hasKey(n, "commandTimeout") {
		d.errorf(n, "%s: commandTimeout is for a command's export", what)
	}
	return j
}

// input reads a job's reading settings: the keys of a mapping's input section, which
// override the mapping's as the command line's flags do.
func (d *decoder) input(n *yaml.Node, what string, j *Job) {
	d.fields(n, what, readers.SettingKeys(), func(key string, k, v *yaml.Node) {
		s, _ := readers.SettingByKey(key)
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			d.errorf(v, "%s.%s: want a value, such as %s: %s", what, key, key, s.Type)
			return
		}
		var scratch readers.Options
		if err := s.Set(&scratch, v.Value); err != nil {
			d.errorf(v, "%s.%s: %v", what, key, err)
			return
		}
		j.Overrides = append(j.Overrides, readers.Override{Setting: s, Value: v.Value})
	})
}

func hasKey(n *yaml.Node, key string) bool { return valueOf(n, key) != nil }

// valueOf returns the value of key in a YAML mapping node, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// resolveDefaults fills in what a job leaves to the defaults.
func (f *File) resolveDefaults() {
	def := f.Defaults.Settings
	for _, j := range f.Jobs {
		s := &j.Settings
		s.Wait = cmp.Or(s.Wait, def.Wait, DefaultWait)
		s.Timeout = cmp.Or(s.Timeout, def.Timeout, DefaultTimeout)
		s.MaxAge = cmp.Or(s.MaxAge, def.MaxAge)
		s.CommandTimeout = cmp.Or(s.CommandTimeout, def.CommandTimeout, DefaultCommandTimeout)
		g := s.guard
		if g.maxRemoved == "" && g.maxRemovedPercent == nil {
			g = def.guard
		}
		force := j.Guard.Force
		j.Guard = push.Guard{}
		if g.maxRemoved != "" {
			_ = j.Guard.SetMaxRemoved(g.maxRemoved) // checked by the decoder
		}
		if p := g.maxRemovedPercent; p != nil {
			if *p == 0 {
				j.Guard.MaxRemoved, j.Guard.MaxRemovedPercent = -1, 0
			} else if j.Guard.MaxRemoved >= 0 {
				j.Guard.MaxRemovedPercent = *p
			}
		}
		j.Guard.Force = force
	}
}
