package draft

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
)

// write renders the draft: a comment saying what was found and what to confirm, then
// the mapping.
func (d *drafter) write(opt Options) []byte {
	var m strings.Builder // the mapping below the comment
	confirm := 0          // lines marked CONFIRM
	line := func(indent int, text, note string) {
		m.WriteString(strings.Repeat("  ", indent))
		m.WriteString(text)
		if note != "" {
			m.WriteString("  # " + note)
			if strings.HasPrefix(note, "CONFIRM") {
				confirm++
			}
		}
		m.WriteByte('\n')
	}
	kv := func(indent int, key, value, note string) { line(indent, key+": "+yamlScalar(value), note) }

	line(0, "version: 1", "")
	kv(0, "name", opt.Name, "")
	d.writeInput(kv, line, opt.Input)

	if d.status != nil {
		m.WriteByte('\n')
		line(0, "statuses:", "")
		for _, value := range []string{"active", "deleted"} {
			var words []statusWord
			for _, w := range d.statuses {
				if w.value == value {
					words = append(words, w)
				}
			}
			if len(words) == 0 {
				line(1, value+": []", "CONFIRM: no word in the sample says "+value)
				continue
			}
			line(1, value+":", "")
			for _, w := range words {
				note := "CONFIRM"
				switch {
				case w.word == "":
					note = "CONFIRM: an empty status, taken for active"
				case !w.known:
					note = "CONFIRM: unknown word, taken for active"
				}
				if w.bot {
					note += "; rows with this word are skipped as bots"
				}
				line(2, "- "+yamlScalar(w.word), note)
			}
		}
	}

	m.WriteByte('\n')
	line(0, "skip:", "")
	e := d.email
	switch d.emailSkip {
	case "":
		line(1, "- when: "+yamlScalar("trim("+d.text(e)+") == \"\""), "")
		kv(2, "reason", "rows with no "+e.name+" (Torii identifies users by email)", "")
	case "text":
		line(1, "- when: "+yamlScalar("not (trim("+d.text(e)+") contains \"@\")"), "CONFIRM")
		kv(2, "reason", "rows whose "+e.name+" is not an email address (Torii identifies users by email)", "")
	default:
		line(1, "- when: "+yamlScalar("not (trim("+d.text(e)+") matches "+strconv.Quote(emailShape)+")"), "CONFIRM")
		kv(2, "reason", "rows whose "+e.name+" is not one email address (Torii identifies users by email)", "")
	}
	if len(d.bots) > 0 {
		line(1, "- when: "+yamlScalar("lower(trim("+d.text(e)+")) matches "+strconv.Quote(botPattern)), "CONFIRM: each skipped row is a person removed from the app")
		kv(2, "reason", "bots and service accounts (addresses such as "+d.bots[0]+")", "")
	}
	for _, c := range d.cols {
		words := d.botWords[c]
		if len(words) == 0 {
			continue
		}
		var list []string
		for _, w := range words {
			list = append(list, strconv.Quote(mapping.FoldWord(w)))
		}
		cond := "lower(trim(" + d.text(c) + ")) in [" + strings.Join(list, ", ") + "]"
		if c == d.roles && d.rolesSep != "" || c.array {
			cond = "any(" + d.list(c, d.rolesSep) + ", lower(#) in [" + strings.Join(list, ", ") + "])"
		}
		line(1, "- when: "+yamlScalar(cond), "CONFIRM")
		kv(2, "reason", "bots ("+c.name+" "+words[0]+")", "")
	}

	var lets [][2]string
	user := [][3]string{{"email", "email(" + d.ref(e) + ")", ""}}
	if d.id != nil {
		user = append(user, [3]string{"id", d.ref(d.id), ""})
	}
	switch {
	case d.first != nil || d.last != nil:
		if d.first != nil {
			user = append(user, [3]string{"firstName", d.ref(d.first), ""})
		}
		if d.last != nil {
			user = append(user, [3]string{"lastName", d.ref(d.last), ""})
		}
	case d.full != nil:
		lets = append(lets, [2]string{"fullName", "trim(" + d.text(d.full) + ")"})
		if d.fullComma {
			lets = append(lets, [2]string{"lastFirst", `split(fullName, ",")`})
		}
		lets = append(lets, [2]string{"words", `split(fullName, " ")`})
		first, last := "words[0]", `join(words[1:], " ")`
		if d.fullComma {
			first = "len(lastFirst) == 2 ? trim(lastFirst[1]) : " + first
			last = "len(lastFirst) == 2 ? trim(lastFirst[0]) : " + last
		}
		user = append(user, [3]string{"firstName", first, "CONFIRM: split from " + d.full.name})
		user = append(user, [3]string{"lastName", last, "CONFIRM"})
	}
	if d.status != nil {
		user = append(user, [3]string{"status", "status(" + d.ref(d.status) + ")", ""})
		user = append(user, [3]string{"externalStatus", d.ref(d.status), ""})
	}
	if d.roles != nil {
		roles := d.ref(d.roles)
		if d.rolesSep != "" {
			roles = d.list(d.roles, d.rolesSep)
		}
		user = append(user, [3]string{"roles", roles, "CONFIRM"})
	}
	switch len(d.lastUsed) {
	case 0:
	case 1:
		user = append(user, [3]string{"lastUsedDate", d.dateExpr(d.lastUsed[0]), confirmNote(d.lastUsed[0].confirm)})
	default:
		var names []string
		for i, dc := range d.lastUsed {
			name := fmt.Sprintf("lastUsed%d", i+1)
			names = append(names, name)
			lets = append(lets, [2]string{name, d.dateExpr(dc)})
		}
		user = append(user, [3]string{"lastUsedDate", "last(sort(filter([" + strings.Join(names, ", ") + "], # != nil))) ?? \"\"", "the latest of " + strconv.Itoa(len(names)) + " columns"})
	}
	if len(lets) > 0 {
		m.WriteByte('\n')
		line(0, "let:", "")
		for _, l := range lets {
			kv(1, l[0], l[1], "")
		}
	}
	m.WriteByte('\n')
	line(0, "user:", "")
	for _, u := range user {
		kv(1, u[0], u[1], u[2])
	}

	if len(d.licenses) > 0 {
		m.WriteByte('\n')
		line(0, "licenses:", "")
		for _, lc := range d.licenses {
			if lc.flag {
				cond := "lower(trim(" + d.text(lc.c) + ")) in [\"true\", \"yes\", \"y\", \"1\", \"x\"]"
				line(1, "- name: "+yamlScalar(lc.c.name), "CONFIRM: name the license as Torii should show it")
				kv(2, "when", cond, "")
				continue
			}
			if lc.item != "" {
				note := "CONFIRM"
				if !strings.Contains(strings.ToLower(lc.item), "name") {
					note = "CONFIRM: these are codes; a lookup in the vendor's list of products can name them (see docs/mapping.md)"
				}
				item := "." + lc.item
				if !isIdent(lc.item) {
					item = "#[" + strconv.Quote(lc.item) + "]"
				}
				line(1, "- names: "+yamlScalar("map("+d.ref(lc.c)+" ?? [], "+item+")"), note)
				continue
			}
			line(1, "- names: "+yamlScalar(d.licenseNames(lc)), "CONFIRM")
		}
	}

	var c strings.Builder
	d.writeComment(&c, opt, confirm)
	c.WriteString(m.String())
	return []byte(c.String())
}

func confirmNote(s string) string {
	if s == "" {
		return ""
	}
	return "CONFIRM: " + s
}

func (d *drafter) writeInput(kv func(int, string, string, string), line func(int, string, string), in readers.Options) {
	line(0, "input:", "")
	if in.Format != "" {
		kv(1, "format", string(in.Format), "")
	}
	if in.Sheet != "" {
		kv(1, "sheet", in.Sheet, "")
	}
	if in.Path != "" {
		kv(1, "path", in.Path, "")
	}
	if in.Delimiter != 0 {
		line(1, "delimiter: "+strconv.Quote(string(in.Delimiter)), "")
	}
	if in.Encoding != "" && in.Encoding != "utf-8" {
		kv(1, "encoding", in.Encoding, "")
	}
	if in.SkipRows > 0 {
		line(1, "skipRows: "+strconv.Itoa(in.SkipRows), "")
	}
	if in.LazyQuotes {
		line(1, "lazyQuotes: true", "")
	}
	if in.Timezone != nil {
		kv(1, "timezone", in.Timezone.String(), "")
	}
	if in.Footer != nil {
		kv(1, "footer", in.Footer.String(), "CONFIRM: the lines that ended the export, dropped as a report footer")
	}
}

// FooterPattern returns the pattern of a draft's input.footer for the lines found at the
// end of an export: each line as it is, its numbers (record counts, years) any number.
// It returns nil for no lines.
func FooterPattern(lines []string) *regexp.Regexp {
	var alts []string
	for _, l := range lines {
		alt := numbers.ReplaceAllLiteralString(regexp.QuoteMeta(l), `\d+`)
		if !slices.Contains(alts, alt) {
			alts = append(alts, alt)
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return regexp.MustCompile("^(" + strings.Join(alts, "|") + ")$")
}

var numbers = regexp.MustCompile(`[0-9]+`)

// writeComment writes the draft's opening comment: what was found where, and what to
// confirm.
func (d *drafter) writeComment(b *strings.Builder, opt Options, confirm int) {
	para := func(text string) { wrapComment(b, "# ", "# ", text) }
	item := func(text string) { wrapComment(b, "# - ", "#   ", text) }
	sampled := fmt.Sprintf("its first %d rows", d.rows)
	if d.rows < opt.Rows || opt.Rows == 0 {
		sampled = fmt.Sprintf("its %d rows", d.rows)
	}
	para(fmt.Sprintf("Draft mapping for %s, written by torii-transform init from its header and %s. "+
		"It is a guess: check the %d lines marked CONFIRM, then run lint and convert on the export, and read the users file.", opt.Source, sampled, confirm))
	b.WriteString("#\n# Found:\n")
	e := d.email
	item(fmt.Sprintf("email: %q (%d of %d values are addresses)", e.name, e.emails, len(e.values)+e.blank))
	switch {
	case d.first != nil && d.last != nil:
		item(fmt.Sprintf("names: %q and %q", d.first.name, d.last.name))
	case d.first != nil:
		item(fmt.Sprintf("names: %q (first name only)", d.first.name))
	case d.last != nil:
		item(fmt.Sprintf("names: %q (last name only)", d.last.name))
	case d.full != nil:
		item(fmt.Sprintf("names: %q, split at its first space into first and last name", d.full.name))
	default:
		item("names: no first, last or full name column")
	}
	if d.id != nil {
		item(fmt.Sprintf("id: %q", d.id.name))
	} else {
		item("id: no id, user id or username column")
	}
	if d.status != nil {
		what := fmt.Sprintf("status: %q, %d words seen, each listed under statuses with a guess", d.status.name, len(d.statuses))
		if d.negative {
			what += "; its name says true is a blocked or removed account, so true is taken for deleted"
		}
		item(what)
	} else {
		item("status: no status column: every user is active")
	}
	if d.roles != nil {
		item(fmt.Sprintf("roles: %q", d.roles.name))
	}
	if len(d.lastUsed) > 0 {
		var parts []string
		for _, dc := range d.lastUsed {
			parts = append(parts, fmt.Sprintf("%q (%s)", dc.c.name, dc.why))
		}
		item("last use: " + strings.Join(parts, ", "))
	} else {
		item("last use: no last login, last seen or last activity column of dates")
	}
	var others []string
	for _, dc := range d.dates {
		if !slices.ContainsFunc(d.lastUsed, func(l dateColumn) bool { return l.c == dc.c }) {
			others = append(others, fmt.Sprintf("%q (%s)", dc.c.name, dc.why))
		}
	}
	if len(others) > 0 {
		item("other dates, not mapped (Torii keeps the last use only): " + strings.Join(others, ", "))
	}
	if len(d.licenses) > 0 {
		var parts []string
		for _, lc := range d.licenses {
			switch {
			case lc.item != "":
				parts = append(parts, fmt.Sprintf("%q (the %s of each)", lc.c.name, lc.item))
			case lc.flag:
				parts = append(parts, fmt.Sprintf("%q (yes or no: one license)", lc.c.name))
			case lc.seps != "":
				parts = append(parts, fmt.Sprintf("%q (split at %s)", lc.c.name, quoteChars(lc.seps)))
			default:
				parts = append(parts, fmt.Sprintf("%q (one name a row)", lc.c.name))
			}
		}
		item("licenses: " + strings.Join(parts, ", "))
	} else {
		item("licenses: no license, plan, product or subscription column")
	}
	if opt.Input.Footer != nil {
		item("a report footer: the lines with one value that end the export, dropped by input.footer")
	}
	b.WriteString("#\n# Confirm:\n")
	if d.status != nil {
		item("statuses: a word under deleted removes that person from the app in Torii; a word not known to be a status is taken for active; a word the export uses later and the table does not list fails the run")
	}
	if d.emailSkip != "" {
		item(fmt.Sprintf("some values of %q are not email addresses: their rows are skipped", e.name))
	}
	if len(d.bots) > 0 {
		what := "addresses look"
		if len(d.bots) == 1 {
			what = "address looks"
		}
		item(fmt.Sprintf("bots: %d %s like a bot or service account's (%s): their rows are skipped", len(d.bots), what, d.bots[0]))
	}
	for _, dc := range append(slices.Clone(d.lastUsed), d.dates...) {
		if dc.confirm != "" {
			item(fmt.Sprintf("%q: %s", dc.c.name, dc.confirm))
			break
		}
	}
	if len(d.licenses) > 0 {
		item("licenses: give prices and unassigned seats under catalog (see docs/mapping.md)")
	}
	b.WriteString("\n")
}

// wrapComment writes text as comment lines of at most 90 characters.
func wrapComment(b *strings.Builder, first, rest, text string) {
	prefix := first
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && n+1+len(w) > 90 {
			b.WriteByte('\n')
			prefix, n = rest, 0
		}
		if n == 0 {
			b.WriteString(prefix)
			n = len(prefix)
		} else {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	b.WriteByte('\n')
}

func quoteChars(seps string) string {
	var q []string
	for _, r := range seps {
		q = append(q, strconv.Quote(string(r)))
	}
	return strings.Join(q, " and ")
}

// ref is the expression that reads c: row.Name, or row["Last Login"]; inside objects,
// row.profile.email, or row.signInActivity?.lastSignInDateTime where some records lack
// the object.
func (d *drafter) ref(c *draftColumn) string {
	e := "row"
	for i, key := range c.path {
		dot := "."
		if i > 0 && c.optional[i] {
			dot = "?."
		}
		switch {
		case isIdent(key):
			e += dot + key
		case dot == "?.":
			e += "?.[" + strconv.Quote(key) + "]"
		default:
			e += "[" + strconv.Quote(key) + "]"
		}
	}
	return e
}

// text is the expression that reads c as text for expr's string functions: JSON
// values may be missing, numbers or booleans.
func (d *drafter) text(c *draftColumn) string {
	if d.objects {
		return "string(" + d.ref(c) + " ?? \"\")"
	}
	return d.ref(c)
}

// list is the expression that splits c's cells at seps.
func (d *drafter) list(c *draftColumn, seps string) string {
	if c.array || seps == "" {
		return "list(" + d.ref(c) + ")"
	}
	var args []string
	for _, r := range seps {
		args = append(args, strconv.Quote(string(r)))
	}
	return "list(" + d.ref(c) + ", " + strings.Join(args, ", ") + ")"
}

func (d *drafter) licenseNames(lc licenseColumn) string {
	names := d.list(lc.c, lc.seps)
	if lc.plus {
		// A + between spaces is part of a name: hide it from the split with a tab, which
		// a cell cannot hold, and put it back after.
		var args []string
		for _, r := range lc.seps {
			args = append(args, strconv.Quote(string(r)))
		}
		names = `map(list(replace(` + d.text(lc.c) + `, " + ", " \t "), ` + strings.Join(args, ", ") + `), replace(#, "\t", "+"))`
	}
	if len(lc.nones) > 0 {
		var q []string
		for _, n := range lc.nones {
			q = append(q, strconv.Quote(n))
		}
		names = "filter(" + names + ", lower(#) not in [" + strings.Join(q, ", ") + "])"
	}
	if !strings.HasPrefix(names, "list(") || lc.c.array {
		return names
	}
	if lc.seps == "" && !d.objects {
		return d.ref(lc.c)
	}
	return names
}

// dateExpr is the expression that reads dc's dates.
func (d *drafter) dateExpr(dc dateColumn) string {
	args := []string{d.ref(dc.c)}
	for _, l := range dc.layouts {
		args = append(args, strconv.Quote(l))
	}
	e := "date(" + strings.Join(args, ", ") + ")"
	if len(dc.never) > 0 {
		var q []string
		for _, n := range dc.never {
			q = append(q, strconv.Quote(n))
		}
		e = "lower(trim(" + d.text(dc.c) + ")) in [" + strings.Join(q, ", ") + "] ? nil : " + e
	}
	return e
}

// exprWords cannot follow row. in an expression.
var exprWords = []string{"in", "not", "and", "or", "matches", "contains", "startsWith", "endsWith", "nil", "true", "false", "let", "if", "else"}

func isIdent(s string) bool {
	if s == "" || slices.Contains(exprWords, s) {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r < 128 && unicode.IsLetter(r) || i > 0 && r < 128 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// yamlScalar writes s as a YAML scalar: plain when YAML reads it back as the same text,
// else single-quoted.
func yamlScalar(s string) string {
	if plainSafe(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func plainSafe(s string) bool {
	if s == "" || s != strings.TrimSpace(s) || strings.ContainsAny(s, "\n\r\t") ||
		strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") ||
		strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", rune(s[0])) {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "y", "n", "on", "off", "null", "~":
		return false
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
		return false
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0o") || strings.HasPrefix(s, ".") {
		return false
	}
	return true
}
