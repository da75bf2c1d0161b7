package readers

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options say how to read an export. Zero values mean detect, or the reader's default.
// A mapping's input section and the command line's flags set them through the same
// Settings, so both accept the same values and say the same things about bad ones.
type Options struct {
	Format   Format
	Encoding string // text formats: see Decode
	// Delimiter separates CSV fields. Zero means detect it from the header line: whichever
	// of , ; tab | occurs most often outside quotes; a tie goes to the earlier in that
	// list, and a header with none of them is read as one column separated by commas.
	Delimiter rune
	// LazyQuotes accepts, in CSV, a quote inside an unquoted field and a lone quote
	// inside a quoted field, as encoding/csv does.
	LazyQuotes bool
	// SkipRows is the number of lines (CSV) or rows (XLSX) above the header to drop,
	// such as a report's title. Blank lines and title rows after them are dropped
	// without being counted.
	SkipRows int
	// Sheet is an XLSX sheet's name, or its 1-based position among all sheets when no
	// sheet has that name ("2"). Empty means the first visible sheet.
	Sheet string
	// Path is where the JSON array of records is when the top level is an object: its
	// keys joined by dots ("value", "data.users"). Empty means the top level is the
	// array, or, when it is an object, the first of its keys whose value is an array.
	Path string
	// Sample is how many JSON records are read ahead to learn the keys for the header.
	// Zero means DefaultSample.
	Sample int
	// Footer matches the value of the lines that a report appends after its records, in
	// a spreadsheet or delimited text ("Grand Totals (5 records)"): they are dropped from
	// the end and counted.
	Footer *regexp.Regexp
	// FindFooter, for drafting a mapping, takes the lines with a single value at the end
	// of a spreadsheet or delimited text of several columns for a report footer, unless
	// the value holds an @ (a person's row with nothing else filled in), and lets such
	// lines before other records through as records. Input.Footer then says what the
	// footer was. It replaces Footer.
	FindFooter bool
	// MaxCellText bounds the memory a workbook's text (its shared strings) may take, in
	// bytes, each value counting its length and 16 more. Zero means DefaultMaxCellText.
	// It is set with --max-cell-text (MaxCellTextSetting) only, never by a mapping.
	MaxCellText int64
	// Timezone is the zone in which the export's dates are taken (nil: UTC). The readers
	// do not use it: spreadsheet times have no zone, and text is read as written. It is
	// one of the Settings because a mapping's input section and the flags give it with
	// the others.
	Timezone *time.Location
}

// A Setting is one choice of how an export is read that a user can make: a key of a
// mapping's input section (and of a lookup's), and the command-line flag that overrides
// it. Each reader's settings are listed beside it; Settings holds them all.
type Setting struct {
	Key     string   // in a mapping's input section: skipRows
	Flag    string   // on the command line: skip-rows
	Type    string   // the value's kind, for --help: "int", "char", "bool"...
	Usage   string   // for --help
	Formats []Format // the formats it concerns; nil means every format
	// Set parses value, written as text in YAML or on the command line, into o. Its
	// errors say what was expected: "want ..., got ...".
	Set func(o *Options, value string) error
}

// Settings are every setting of every reader, in the order --help lists them.
var Settings = slices.Concat(commonSettings, csvSettings, xlsxSettings, jsonSettings)

// SettingByKey returns the setting of a mapping's input section named key.
func SettingByKey(key string) (*Setting, bool) {
	for i := range Settings {
		if Settings[i].Key == key {
			return &Settings[i], true
		}
	}
	return nil, false
}

// SettingKeys are the keys of a mapping's input section, in Settings' order.
func SettingKeys() []string {
	keys := make([]string, len(Settings))
	for i, s := range Settings {
		keys[i] = s.Key
	}
	return keys
}

// An Override is a setting given its value on the command line.
type Override struct {
	Setting *Setting
	Value   string
}

// Apply returns o with the overrides set over it, in order: what the command line says
// wins over what the mapping says, setting by setting.
func (o Options) Apply(overrides []Override) (Options, error) {
	for _, ov := range overrides {
		if err := ov.Setting.Set(&o, ov.Value); err != nil {
			return o, fmt.Errorf("--%s: %w", ov.Setting.Flag, err)
		}
	}
	return o, nil
}

var commonSettings = []Setting{
	{Key: "format", Flag: "format", Type: "format", Usage: "input format: " + strings.Join(Formats, ", ") + " (default: the mapping's, else from the file's extension, else from its content)",
		Set: func(o *Options, v string) error {
			if !slices.Contains(Formats, v) {
				return fmt.Errorf("unknown format %q (want %s)", v, strings.Join(Formats, ", "))
			}
			o.Format = Format(v)
			return nil
		}},
	{Key: "encoding", Flag: "encoding", Type: "name", Formats: []Format{FormatCSV, FormatJSON, FormatNDJSON},
		Usage: "input text encoding: utf-8, utf-16, windows-1252 or iso-8859-1 (default: the mapping's, else UTF-8, or UTF-16 when the file starts with its byte-order mark)",
		Set: func(o *Options, v string) error {
			enc := CanonicalEncoding(v)
			if enc == "" {
				return fmt.Errorf("unknown encoding %q (want %s)", v, strings.Join(Encodings, ", "))
			}
			o.Encoding = enc
			return nil
		}},
	{Key: "skipRows", Flag: "skip-rows", Type: "int", Formats: []Format{FormatCSV, FormatXLSX},
		Usage: "rows to skip above the header (default: the mapping's, else 0)",
		Set: func(o *Options, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 {
				return fmt.Errorf("want a whole number of rows, got %q", v)
			}
			o.SkipRows = n
			return nil
		}},
	{Key: "footer", Flag: "footer", Type: "regexp", Formats: []Format{FormatCSV, FormatXLSX},
		Usage: "a regular expression matching the first value of a report's footer lines, which are dropped from the end (default: the mapping's)",
		Set: func(o *Options, v string) error {
			re, err := regexp.Compile(v)
			if err != nil {
				return err
			}
			o.Footer = re
			return nil
		}},
	{Key: "timezone", Flag: "timezone", Type: "zone",
		Usage: "IANA time zone in which dates are taken (default: the mapping's, else UTC)",
		Set: func(o *Options, v string) error {
			loc, err := time.LoadLocation(v)
			if err != nil || v == "" {
				return fmt.Errorf("unknown time zone %q (want an IANA name such as Europe/Berlin)", v)
			}
			o.Timezone = loc
			return nil
		}},
}

// Formats are the formats' names, as --format and a mapping's input.format give them.
var Formats = []string{string(FormatCSV), string(FormatXLSX), string(FormatJSON), string(FormatNDJSON)}
