package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/torii-transform/torii-transform/diag"
)

// flagError words pflag's errors in plain language: what a flag wants and what it got,
// the flag that a misspelt one probably is, and where secrets go instead of flags.
func flagError(cmd *cobra.Command, err error) error {
	var invalid *pflag.InvalidValueError
	if errors.As(err, &invalid) {
		fl := invalid.GetFlag()
		return usageError{fmt.Errorf("--%s: want %s, got %q", fl.Name, flagWants(fl), invalid.GetValue())}
	}
	var missing *pflag.NotExistError
	if errors.As(err, &missing) && missing.GetSpecifiedShortnames() == "" {
		name := missing.GetSpecifiedName()
		if name == "api-key" || name == "key" || name == "token" {
			return usageError{&diag.Hint{
				Err:  fmt.Errorf("unknown flag --%s: the API key is never given on the command line, where other users and the shell's history see it", name),
				Text: "set TORII_API_KEY, or give a file that holds the key with --api-key-file FILE",
			}}
		}
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		})
		if s := diag.Suggest(name, names); s != "" {
			return usageError{fmt.Errorf("unknown flag --%s (did you mean --%s?)", name, s)}
		}
	}
	return usageError{err}
}

// flagWants says what a flag's value must be, for an error message.
func flagWants(fl *pflag.Flag) string {
	switch t := fl.Value.Type(); {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number such as 12345"
	case strings.HasPrefix(t, "float"):
		return "a number such as 2.5"
	case t == "bool":
		return "true or false"
	case t == "duration":
		return "a duration such as 30s or 5m"
	default:
		return "a " + t
	}
}
