package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torii-transform/torii-transform/readers"
)

// inputFlags are the readers' settings as flags, each overriding the same key of a
// mapping's input section, and --input NAME=FILE for the mapping's lookup tables.
type inputFlags struct {
	overrides []readers.Override // in the order given
	lookups   []string           // NAME=FILE
}

// settingFlag is one of readers.Settings as a flag. Its value is checked, with the
// flag's name in the message, before anything is read (see inputFlags.check).
type settingFlag struct {
	f   *inputFlags
	s   *readers.Setting
	val string
}

func (v *settingFlag) String() string { return v.val }
func (v *settingFlag) Type() string   { return v.s.Type }
func (v *settingFlag) Set(val string) error {
	v.val = val
	v.f.overrides = append(v.f.overrides, readers.Override{Setting: v.s, Value: val})
	return nil
}

// register adds a flag for every reader setting the command has no flag of its own for.
func (f *inputFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	for i := range readers.Settings {
		s := &readers.Settings[i]
		if fs.Lookup(s.Flag) != nil {
			continue
		}
		fl := fs.VarPF(&settingFlag{f: f, s: s}, s.Flag, "", s.Usage)
		if s.Type == "bool" {
			fl.NoOptDefVal = "true"
		}
	}
	s := &readers.MaxCellTextSetting
	fs.VarP(&settingFlag{f: f, s: s}, s.Flag, "", s.Usage)
	fs.StringArrayVar(&f.lookups, "input", nil, "read a lookup table the mapping declares under lookups from this file, as NAME=FILE (repeatable; any format)")
}

// drop forgets what the flag named flag gave.
func (f *inputFlags) drop(flag string) {
	f.overrides = slices.DeleteFunc(f.overrides, func(o readers.Override) bool { return o.Setting.Flag == flag })
}

// check reports a mistake in the flags as a usage error, before anything is read, and
// returns the lookup files by table name.
func (f *inputFlags) check() (map[string]string, error) {
	if _, err := (readers.Options{}).Apply(f.overrides); err != nil {
		return nil, usageError{err}
	}
	lookups := map[string]string{}
	for _, spec := range f.lookups {
		name, file, ok := strings.Cut(spec, "=")
		if !ok || name == "" || file == "" {
			return nil, usageError{fmt.Errorf("--input: want NAME=FILE, such as analytics=activity.csv, got %q", spec)}
		}
		if _, dup := lookups[name]; dup {
			return nil, usageError{fmt.Errorf("--input: %q is given twice", name)}
		}
		lookups[name] = file
	}
	return lookups, nil
}

// options returns the options to read an export with: base, the mapping's input
// section, with the flags over it.
func (f *inputFlags) options(base readers.Options) readers.Options {
	o, _ := base.Apply(f.overrides) // checked in check
	return o
}
