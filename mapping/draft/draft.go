// Package draft writes a first mapping for an export no mapping reads yet, from its
// header and a sample of its records, marking every guess a person must confirm.
package draft

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
	"github.com/torii-transform/torii-transform/values"
)

// Options say what Draft knows about an export besides its header and values.
type Options struct {
	Name   string          // the mapping's name
	Source string          // the export's name, for the draft's comments
	Input  readers.Options // how the export was read: written to the draft's input section
	Rows   int             // how many rows were asked for (the sample may be shorter)
}

// Mapping writes a first mapping for an export from its header and a sample of its
// records: the email column found by its values; name, id, status, role, date and
// license columns by their names and values. Every guess a person must check is marked
// CONFIRM. The draft compiles against h and converts every record of the sample.
//
// An export with no column of email addresses is an error: Torii identifies users by
// email.
func Mapping(h *record.Header, sample []*record.Record, opt Options) ([]byte, error) {
	d := newDrafter(h, sample)
	if len(sample) == 0 {
		return nil, &diag.Error{Pos: diag.Pos{File: h.File, Sheet: h.Sheet, Line: h.Line}, Err: &diag.Hint{
			Err:  errors.New("no rows after the header: init drafts a mapping from the values of the export's rows"),
			Text: "draft from an export that lists at least a few users",
		}}
	}
	if d.email = d.findEmail(); d.email == nil {
		return nil, &diag.Error{Pos: diag.Pos{File: h.File, Sheet: h.Sheet, Line: h.Line}, Err: &diag.Hint{
			Err:  fmt.Errorf("no email column: no column holds email addresses in the first %d rows", len(sample)),
			Text: "Torii identifies users by email: export a column with the users' addresses, or give --sheet, --path or --skip-rows if the export was read wrongly (see torii-transform inspect)",
		}}
	}
	d.detect()
	return d.write(opt), nil
}

// draftColumn is what the sample says about one column.
type draftColumn struct {
	index int
	name  string // the header's name; for a key inside an object, its dotted path
	// path is, for a key inside an object, the keys that lead to it ("profile",
	// "email"), and optional says which of them some sampled records lack the object of:
	// the expression reads those with ?. (row.signInActivity?.lastSignInDateTime).
	path     []string
	optional []bool
	// items are, for a JSON array of objects, the keys of those objects that hold text,
	// with the text: Graph's assignedLicenses[].skuId.
	items   map[string][]string
	objects int      // objects in the column's arrays
	words   []string // the header's words, lowercased, camelCase split, [..] and (..) dropped
	norm    string   // words joined by spaces
	compact string   // words joined
	values  []string // trimmed non-empty text values, in sample order
	blank   int      // empty values
	complex bool     // a JSON object, or an array holding objects
	array   bool     // a JSON array of text
	emails  int      // values that are email addresses
	used    bool     // mapped to a field already
}

// distinct returns the column's values without repeats (ignoring case), in first-seen
// order.
func (c *draftColumn) distinct() []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range c.values {
		if f := mapping.FoldWord(v); !seen[f] {
			seen[f] = true
			out = append(out, v)
		}
	}
	return out
}

type drafter struct {
	h       *record.Header
	objects bool
	rows    int
	cols    []*draftColumn

	email     *draftColumn
	emailSkip string // when the email column also holds text that is not an address: "text" or "regexp"
	bots      []string
	botWords  map[*draftColumn][]string // status or role words that mark bots
	first     *draftColumn
	last      *draftColumn
	full      *draftColumn
	fullComma bool // some full names are written "Last, First"
	id        *draftColumn
	status    *draftColumn
	negative  bool // the status column says whether the account is blocked
	statuses  []statusWord
	roles     *draftColumn
	rolesSep  string
	dates     []dateColumn // every date column, in header order
	lastUsed  []dateColumn
	licenses  []licenseColumn
}

func newDrafter(h *record.Header, sample []*record.Record) *drafter {
	d := &drafter{h: h, objects: h.Kind == record.Objects, rows: len(sample), botWords: map[*draftColumn][]string{}}
	for i, name := range h.Names {
		d.addColumn(&draftColumn{index: i, name: name, path: []string{name}}, headerWords(name), sample)
	}
	// The keys inside objects, after the top-level ones so that those win ties: Okta's
	// profile.email, Graph's signInActivity.lastSignInDateTime. Their header words are
	// the key's own.
	for _, parent := range slices.Sorted(maps.Keys(h.Keys)) {
		for _, key := range h.Keys[parent] {
			path := append(strings.Split(parent, "."), key)
			if _, isObject := h.Keys[parent+"."+key]; isObject {
				continue
			}
			c := &draftColumn{index: -1, name: parent + "." + key, path: path, optional: make([]bool, len(path))}
			for k := 1; k < len(path); k++ {
				c.optional[k] = c.optional[k-1] || slices.ContainsFunc(sample, func(rec *record.Record) bool {
					_, ok := valueAt(rec.Object, path[:k]).(map[string]any)
					return !ok
				})
			}
			d.addColumn(c, headerWords(key), sample)
		}
	}
	return d
}

func (d *drafter) addColumn(c *draftColumn, words []string, sample []*record.Record) {
	c.words, c.norm, c.compact = words, strings.Join(words, " "), strings.Join(words, "")
	for _, rec := range sample {
		c.add(rec)
	}
	d.cols = append(d.cols, c)
}

// nested says whether the column is a key inside an object.
func (c *draftColumn) nested() bool { return len(c.path) > 1 }

// valueAt returns the value at path in obj, or nil when something on the way is not
// an object.
func valueAt(obj map[string]any, path []string) any {
	var v any = obj
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// add reads the column's value in rec.
func (c *draftColumn) add(rec *record.Record) {
	var v any
	if rec.Object != nil {
		v = valueAt(rec.Object, c.path)
	} else if c.index < len(rec.Values) {
		v = rec.Values[c.index]
	}
	switch v := v.(type) {
	case nil:
		c.blank++
	case string:
		c.addText(v)
	case json.Number:
		c.addText(v.String())
	case bool:
		c.addText(strconv.FormatBool(v))
	case []any:
		for _, it := range v {
			switch it := it.(type) {
			case string:
				c.array = true
				c.addText(it)
			case json.Number, bool, nil:
				c.array = true
			case map[string]any:
				c.complex = true
				c.objects++
				for k, x := range it {
					if t, ok := x.(string); ok && strings.TrimSpace(t) != "" {
						if c.items == nil {
							c.items = map[string][]string{}
						}
						c.items[k] = append(c.items[k], strings.TrimSpace(t))
					}
				}
			default:
				c.complex = true
			}
		}
	default:
		c.complex = true
	}
}

func (c *draftColumn) addText(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		c.blank++
		return
	}
	c.values = append(c.values, s)
	if _, err := values.NormalizeEmail(s); err == nil {
		c.emails++
	}
}

// scalar says whether the column holds text (or JSON scalars) only.
func (c *draftColumn) scalar() bool { return !c.complex && !c.array }

// headerWords splits a column's name into lowercase words: camelCase and snake_case
// are split, and bracketed notes such as "[READ ONLY]" are dropped.
func headerWords(name string) []string {
	var b strings.Builder
	depth := 0
	var prev rune
	for _, r := range name {
		switch {
		case r == '[' || r == '(':
			depth++
		case r == ']' || r == ')':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			b.WriteRune(' ')
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(' ')
		}
		prev = r
	}
	return strings.Fields(b.String())
}

// is says whether the header is one of names (spaces in names are optional: "first
// name" also matches "firstname").
func (c *draftColumn) is(names ...string) bool {
	for _, n := range names {
		if c.norm == n || c.compact == strings.ReplaceAll(n, " ", "") {
			return true
		}
	}
	return false
}

// has says whether any of words is one of the header's words.
func (c *draftColumn) has(words ...string) bool {
	return slices.ContainsFunc(c.words, func(w string) bool { return slices.Contains(words, w) })
}

// contains says whether phrase (words separated by spaces) is in the header's words.
func (c *draftColumn) contains(phrase string) bool {
	return strings.Contains(" "+c.norm+" ", " "+phrase+" ")
}

// findEmail returns the column whose values are email addresses: the one with the most
// addresses, where they are most of its values; near ties go to the column whose name
// says email.
func (d *drafter) findEmail() *draftColumn {
	var cands []*draftColumn
	most := 0
	for _, c := range d.cols {
		if !c.scalar() || c.emails == 0 || c.emails*2 < len(c.values) {
			continue
		}
		cands = append(cands, c)
		most = max(most, c.emails)
	}
	var best *draftColumn
	bestRank := 0
	for _, c := range cands {
		if c.emails*10 < most*9 {
			continue
		}
		rank := 1
		switch {
		case c.is("email", "e mail", "mail", "email address", "e mail address", "mail address", "primary email", "work email", "user email"):
			rank = 4
		case c.has("email", "emails", "mail"):
			rank = 3
		case c.has("login", "principal", "upn", "username"):
			rank = 2
		}
		if best == nil || rank > bestRank || rank == bestRank && c.emails > best.emails {
			best, bestRank = c, rank
		}
	}
	if best == nil {
		return nil
	}
	best.used = true
	if best.emails < len(best.values) {
		d.emailSkip = "text"
		for _, v := range best.values {
			if _, err := values.NormalizeEmail(v); err != nil && strings.Contains(v, "@") {
				d.emailSkip = "regexp"
			}
		}
	}
	for _, v := range best.values {
		if botAddress.MatchString(strings.ToLower(v)) && !slices.Contains(d.bots, v) {
			d.bots = append(d.bots, v)
		}
	}
	return best
}

// botAddress matches addresses of bots and service accounts, as the draft's skip rule
// does (expr's matches is Go's regexp too).
var botAddress = regexp.MustCompile(botPattern)

const botPattern = `(^|[^a-z])(bots?|noreply|no-reply|donotreply|do-not-reply|service)([^a-z]|$)`

// emailShape is NormalizeEmail's test as a regular expression, for a skip rule.
const emailShape = `^(mailto:)?[^@,;<>"()\p{Cc}\p{Z}]+@[^@,;<>"().\p{Cc}\p{Z}]+(\.[^@,;<>"().\p{Cc}\p{Z}]+)+$`

// botWords are status and role words that mark bots and service accounts.
var botWords = []string{"bot", "bots", "service", "service account", "app", "integration", "robot"}

func (d *drafter) detect() {
	d.findNames()
	d.findID()
	d.findStatus()
	d.findRoles()
	d.findDates()
	d.findLicenses()
}

var (
	firstNames = []string{"first name", "given name", "first", "given", "forename", "fname", "first names", "prenom", "prénom", "vorname", "nombre", "nome", "voornaam", "förnamn", "fornavn", "fornavn", "etunimi", "imię", "imie"}
	lastNames  = []string{"last name", "family name", "surname", "last", "lname", "sn", "nom", "nom de famille", "nachname", "familienname", "apellido", "apellidos", "cognome", "achternaam", "efternamn", "etternavn", "efternavn", "sukunimi", "nazwisko"}
	fullNames  = []string{"full name", "display name", "name", "user name", "user", "member", "person", "member name", "employee name", "nom complet", "nombre completo"}
	notPeople  = []string{"group", "groups", "team", "teams", "org", "organization", "company", "department", "domain", "product", "license", "plan", "role", "app", "device", "host", "computer", "file", "manager", "site", "country", "city", "location", "office", "job", "title", "saml", "profile", "building", "floor"}
)

func (d *drafter) findNames() {
	d.first = d.pick(func(c *draftColumn) int {
		switch {
		case c.is(firstNames...):
			return 2
		case c.contains("first name") || c.contains("given name"):
			return 1
		}
		return 0
	}, (*draftColumn).textual)
	d.last = d.pick(func(c *draftColumn) int {
		switch {
		case c.is(lastNames...):
			return 2
		case c.contains("last name") || c.contains("family name"):
			return 1
		}
		return 0
	}, (*draftColumn).textual)
	if d.first != nil || d.last != nil {
		return
	}
	d.full = d.pick(func(c *draftColumn) int {
		if i := slices.IndexFunc(fullNames, func(n string) bool { return c.is(n) }); i >= 0 {
			return len(fullNames) + 1 - i
		}
		if len(c.words) > 1 && c.words[len(c.words)-1] == "name" && !c.has(notPeople...) {
			return 1
		}
		return 0
	}, (*draftColumn).fullNames)
	if d.full != nil {
		d.fullComma = slices.ContainsFunc(d.full.values, func(v string) bool { return strings.Count(v, ",") == 1 })
	}
}

// textual says whether a column holds names: text that is not addresses.
func (c *draftColumn) textual() bool {
	return c.scalar() && len(c.values) > 0 && c.emails*2 < len(c.values)
}

// fullNames says whether a column holds people's whole names: most have a space, and
// few have digits or @ (a report's footer may).
func (c *draftColumn) fullNames() bool {
	if !c.textual() {
		return false
	}
	spaced, odd := 0, 0
	for _, v := range c.values {
		if strings.Contains(v, " ") || strings.Count(v, ",") == 1 {
			spaced++
		}
		if strings.ContainsAny(v, "@0123456789") {
			odd++
		}
	}
	return spaced*2 >= len(c.values) && odd*4 <= len(c.values)
}

// pick returns the unused column with the highest rank above 0 that ok accepts; the
// leftmost of equals.
func (d *drafter) pick(rank func(*draftColumn) int, ok func(*draftColumn) bool) *draftColumn {
	var best *draftColumn
	bestRank := 0
	for _, c := range d.cols {
		if c.used {
			continue
		}
		if r := rank(c); r > bestRank && ok(c) {
			best, bestRank = c, r
		}
	}
	if best != nil {
		best.used = true
	}
	return best
}

func (d *drafter) findID() {
	ids := []string{"user id", "id", "uid", "object id", "member id", "account id", "person id", "user guid", "guid", "external id", "user key", "username", "user name", "login", "login name", "user login", "handle", "screen name"}
	d.id = d.pick(func(c *draftColumn) int {
		if i := slices.IndexFunc(ids, func(n string) bool { return c.is(n) }); i >= 0 {
			return len(ids) + 2 - i
		}
		if n := len(c.words); n > 1 && (c.words[n-1] == "id" || c.words[n-1] == "login") &&
			!c.has("group", "org", "organization", "team", "tenant", "domain", "subscription", "license", "sku", "product", "manager", "parent", "employee", "building", "cost", "app", "device", "session", "role", "last", "first", "date", "time") {
			return 1
		}
		return 0
	}, func(c *draftColumn) bool {
		return !c.nested() && c.scalar() && len(c.values) > 0 && c.emails*2 < len(c.values)
	})
}

// statusWord is a status value seen in the sample and the guess for it.
type statusWord struct {
	word  string
	value string // active or deleted
	known bool   // the guess comes from the word; else it is the least harmful default
	bot   bool   // rows with this word are skipped as bots
}

var (
	activeWords  = []string{"active", "activated", "enabled", "enable", "true", "1", "yes", "y", "member", "members", "invited", "invite pending", "pending", "provisioned", "staged", "confirmed", "verified", "licensed", "ok", "normal", "current", "on", "allowed", "accepted", "approved", "registered", "full member", "sign in allowed", "live"}
	deletedWords = []string{"deactivated", "disabled", "disable", "suspended", "inactive", "deleted", "removed", "false", "0", "no", "n", "deprovisioned", "archived", "terminated", "revoked", "blocked", "banned", "off", "offboarded", "soft deleted", "cancelled", "canceled", "not active", "sign in blocked", "left", "former member"}
	// boolean words: whether a yes/no column's "yes" means active depends on its name.
	booleanWords = map[string]bool{"true": true, "1": true, "yes": true, "y": true, "on": true, "false": false, "0": false, "no": false, "n": false, "off": false}
	// negative names say the account is not usable when their value is true.
	negativeNames = []string{"suspended", "is suspended", "disabled", "is disabled", "deactivated", "is deactivated", "blocked", "is blocked", "block credential", "sign in blocked", "locked", "is locked", "deleted", "is deleted", "archived", "is archived", "inactive", "is inactive", "account disabled", "account locked"}
	positiveNames = []string{"active", "is active", "enabled", "is enabled", "account enabled", "activated", "is activated", "account active", "user active"}
	statusNames   = []string{"status", "user status", "account status", "member status", "membership status", "user state", "account state", "member state", "status of user", "employment status"}
)

// classifyStatus guesses what a status word means: ok=false when it cannot tell.
func classifyStatus(word string, negative bool) (value string, ok bool) {
	w := strings.Join(strings.FieldsFunc(strings.ToLower(word), func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '.' || r == ',' || r == '/'
	}), " ")
	if b, isBool := booleanWords[w]; isBool {
		if b != negative {
			return "active", true
		}
		return "deleted", true
	}
	if slices.Contains(deletedWords, w) {
		return "deleted", true
	}
	if slices.Contains(activeWords, w) {
		return "active", true
	}
	// One telling word in a phrase: "Pending user action", "Deactivated user"; a
	// negation makes the phrase unknown.
	parts := strings.Fields(w)
	if slices.ContainsFunc(parts, func(p string) bool { return p == "not" || p == "non" || p == "never" }) {
		return "", false
	}
	var guess string
	for _, part := range parts {
		var g string
		switch {
		case slices.Contains(deletedWords, part) && !isBoolWord(part):
			g = "deleted"
		case slices.Contains(activeWords, part) && !isBoolWord(part):
			g = "active"
		default:
			continue
		}
		if guess != "" && guess != g {
			return "", false
		}
		guess = g
	}
	return guess, guess != ""
}

func isBoolWord(w string) bool { _, ok := booleanWords[w]; return ok }

func (d *drafter) findStatus() {
	type cand struct {
		c        *draftColumn
		tier     int
		negative bool
	}
	var best *cand
	for _, c := range d.cols {
		if c.used || !c.scalar() || len(c.values) == 0 {
			continue
		}
		var k cand
		switch {
		case c.is(statusNames...):
			k = cand{c, 4, false}
		case c.is(positiveNames...):
			k = cand{c, 3, false}
		case c.is(negativeNames...):
			k = cand{c, 3, true}
		case c.is("state"), c.has("status") && !c.has("license", "licence", "seat", "limit", "password", "mfa", "2fa", "sync", "verification", "email"):
			k = cand{c, 2, false}
		default:
			continue
		}
		words := c.distinct()
		known := 0
		for _, w := range words {
			if _, ok := classifyStatus(w, k.negative); ok {
				known++
			}
		}
		// A status column has few words, and (unless its name says so) words that
		// look like statuses: "State" may be a province.
		if len(words) > 30 || len(words)*2 > len(c.values)+2 && len(words) > 8 || k.tier < 4 && known == 0 {
			continue
		}
		if best == nil || k.tier > best.tier {
			kk := k
			best = &kk
		}
	}
	if best == nil {
		return
	}
	d.status, d.negative = best.c, best.negative
	best.c.used = true
	words := best.c.distinct()
	if best.c.blank > 0 {
		words = append(words, "")
	}
	for _, w := range words {
		v, ok := classifyStatus(w, best.negative)
		if !ok {
			v = "active" // a wrong deleted removes a person from the app in Torii
		}
		bot := slices.Contains(botWords, mapping.FoldWord(w))
		if bot {
			d.botWords[best.c] = append(d.botWords[best.c], w)
		}
		d.statuses = append(d.statuses, statusWord{word: w, value: v, known: ok, bot: bot})
	}
}

func (d *drafter) findRoles() {
	names := []string{"role", "roles", "user role", "user roles", "admin role", "admin roles", "org role", "organization role", "account role", "member role", "member roles", "enterprise roles", "access level", "permission", "permissions", "groups", "group", "user groups", "group name", "group names", "type", "user type", "account type", "member type"}
	d.roles = d.pick(func(c *draftColumn) int {
		if i := slices.IndexFunc(names, func(n string) bool { return c.is(n) }); i >= 0 {
			return len(names) + 2 - i
		}
		if n := len(c.words); n > 1 && (c.words[n-1] == "role" || c.words[n-1] == "roles") && !c.has("administered") {
			return 1
		}
		return 0
	}, func(c *draftColumn) bool { return !c.nested() && !c.complex && len(c.values) > 0 && c.emails == 0 })
	if d.roles == nil {
		return
	}
	d.rolesSep = listSeparators(d.roles.values)
	for _, w := range d.roles.distinct() {
		if slices.Contains(botWords, mapping.FoldWord(w)) {
			d.botWords[d.roles] = append(d.botWords[d.roles], w)
		}
	}
}

// listSeparators returns the separators that split the values into lists, as the arguments
// of list(): "," for "a, b"; "+" where it has no space on either side, or where " + "
// joins names seen on their own ("Sales Cloud + Analytics" beside "Analytics"), since
// "Enterprise Mobility + Security" is one name.
func listSeparators(values []string) string {
	var seps []string
	for _, sep := range []string{",", ";", "|"} {
		if slices.ContainsFunc(values, func(v string) bool { return strings.Contains(v, sep) }) {
			seps = append(seps, sep)
		}
	}
	if unspaced, joins, _ := plusKinds(values); unspaced || joins {
		seps = append(seps, "+")
	}
	return strings.Join(seps, "")
}

// spacedPlus says whether values split at + also hold " + " inside names.
func spacedPlus(values []string) bool {
	_, _, inside := plusKinds(values)
	return inside
}

// plusKinds looks at the + in values: whether a value has one with no space on either
// side ("E3+Visio"), and whether " + " joins names that are seen without it elsewhere
// ("Sales Cloud + Analytics" beside "Analytics") or is inside a name ("Enterprise
// Mobility + Security").
func plusKinds(values []string) (unspaced, joins, inside bool) {
	others := func(r rune) bool { return r == ',' || r == ';' || r == '|' }
	seen := map[string]bool{}
	for _, v := range values {
		unspaced = unspaced || strings.Contains(strings.ReplaceAll(v, " + ", ""), "+")
		if strings.Contains(v, " + ") {
			continue
		}
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return others(r) || r == '+' }) {
			seen[strings.TrimSpace(part)] = true
		}
	}
	for _, v := range values {
		for _, item := range strings.FieldsFunc(v, others) {
			if !strings.Contains(item, " + ") {
				continue
			}
			all := true
			for _, part := range strings.Split(item, "+") {
				all = all && seen[strings.TrimSpace(part)]
			}
			if all {
				joins = true
			} else {
				inside = true
			}
		}
	}
	return unspaced, joins, inside
}

// dateColumn is a column of dates and how to read them.
type dateColumn struct {
	c       *draftColumn
	layouts []string // nil: date() reads the values without a layout
	never   []string // words that mean no date, besides those date() knows ("No activity")
	why     string   // how the layout was found, for the comment
	confirm string   // what to check, when the layout is a guess
}

func (d *drafter) findDates() {
	for _, c := range d.cols {
		if c.used || !c.scalar() {
			continue
		}
		dc, ok := detectDate(c)
		if !ok {
			continue
		}
		d.dates = append(d.dates, dc)
		if c.contains("last") && c.has("login", "logon", "log", "sign", "signin", "signon", "seen", "active", "activity", "used", "use", "access", "accessed", "visit", "visited", "interaction", "signed", "logged") {
			d.lastUsed = append(d.lastUsed, dc)
			c.used = true
		}
	}
}

// dateNames are header words of columns that can hold dates written as bare numbers.
var dateNames = []string{"date", "time", "timestamp", "at", "on", "login", "logon", "seen", "created", "updated", "modified", "last", "expires", "expiration", "expiry", "joined", "since", "activity", "active", "accessed", "signin", "sign"}

// detectDate says whether every value of c is a date (or a word meaning none), and how
// date() reads them.
func detectDate(c *draftColumn) (dateColumn, bool) {
	dc := dateColumn{c: c}
	if len(c.values) == 0 {
		return dc, false
	}
	numbers := !slices.ContainsFunc(c.values, func(v string) bool {
		return strings.Trim(v, "0123456789.") != "" || strings.Count(v, ".") > 1
	})
	if numbers {
		return numberDates(c, dc)
	}
	var numeric []string // day and month as numbers: 03/04/2025
	dayFirst, monthFirst := "", ""
	others := false
	parsed := 0
	for _, v := range c.values {
		_, ok, err := values.ParseDate(v, nil, nil)
		switch {
		case err == nil && !ok:
			continue // empty, "-", "never", "Never accessed"
		case err != nil && !errors.Is(err, values.ErrAmbiguous):
			if strings.ContainsFunc(v, unicode.IsDigit) {
				return dc, false
			}
			if f := mapping.FoldWord(v); !slices.Contains(dc.never, f) {
				dc.never = append(dc.never, f)
			}
			continue
		}
		parsed++
		first, second, ok := values.DayMonth(v)
		if !ok {
			others = true
			continue
		}
		numeric = append(numeric, v)
		switch {
		case first > 12 && dayFirst == "":
			dayFirst = v
		case second > 12 && monthFirst == "":
			monthFirst = v
		}
	}
	if parsed == 0 || len(dc.never) > 3 {
		return dc, false
	}
	if len(numeric) == 0 {
		dc.why = "no layout needed"
		return dc, true
	}
	month := true
	switch {
	case dayFirst != "" && monthFirst != "":
		return dc, false // both orders: not one date format
	case dayFirst != "":
		month = false
		dc.why = fmt.Sprintf("day first: %q", dayFirst)
	case monthFirst != "":
		dc.why = fmt.Sprintf("month first: %q", monthFirst)
	default:
		dc.why = "month first, assumed"
		dc.confirm = fmt.Sprintf("no value in the sample says whether the day or the month comes first (%q): month first is assumed", numeric[0])
	}
	for _, v := range numeric {
		if l := values.DMYLayout(v, month); !slices.Contains(dc.layouts, l) {
			dc.layouts = append(dc.layouts, l)
		}
	}
	if others {
		dc.layouts = append(dc.layouts, "iso")
	}
	for _, v := range c.values {
		if _, _, err := values.ParseDate(v, dc.layouts, nil); err != nil && !slices.Contains(dc.never, mapping.FoldWord(v)) {
			return dc, false
		}
	}
	return dc, true
}

// numberDates reads a column of bare numbers as Unix times or spreadsheet serial
// dates, when its name says it holds dates.
func numberDates(c *draftColumn, dc dateColumn) (dateColumn, bool) {
	if !c.has(dateNames...) {
		return dc, false
	}
	unix := true
	serial := true
	for _, v := range c.values {
		n := len(v)
		if i := strings.IndexByte(v, '.'); i >= 0 {
			n = i
		}
		unix = unix && (n == 10 || n == 13 && !strings.Contains(v, "."))
		serial = serial && n == 5
	}
	switch {
	case unix:
		dc.why = "Unix time"
	case serial:
		dc.layouts = []string{"excel"}
		dc.why = "spreadsheet serial numbers"
		dc.confirm = "spreadsheet serial numbers are read in the 1900 date system; use \"excel1904\" for a workbook from old Excel for Mac"
	default:
		return dc, false
	}
	for _, v := range c.values {
		if _, ok, err := values.ParseDate(v, dc.layouts, nil); err != nil || !ok {
			return dc, false
		}
	}
	return dc, true
}

// licenseColumn is a column that names licenses, or says yes or no to one.
type licenseColumn struct {
	c     *draftColumn
	item  string // for an array of objects, the key of the objects that names the license
	flag  bool   // a yes/no column: the license is named after the column
	seps  string // separators between names in one cell
	plus  bool   // some names hold " + "
	nones []string
}

var (
	licenseNames = []string{"license", "licenses", "licence", "licences", "licensed", "plan", "plans", "product", "products", "subscription", "subscriptions", "sku", "skus", "seat", "seats", "edition", "tier", "package"}
	noLicense    = []string{"unlicensed", "none", "no license", "no licenses", "not licensed", "n/a", "-"}
	yesWords     = []string{"true", "yes", "y", "1", "x"}
	noWords      = []string{"false", "no", "n", "0"}
)

func (d *drafter) findLicenses() {
	for _, c := range d.cols {
		if item := licenseItem(c); item != "" {
			c.used = true
			d.licenses = append(d.licenses, licenseColumn{c: c, item: item})
			continue
		}
		if c.used || c.complex || len(c.values) == 0 || c.emails > 0 || !c.has(licenseNames...) ||
			c.has("administered", "email", "emails", "id", "ids", "date", "status", "count", "price", "cost", "amount", "total", "expiration", "expires", "number", "quantity", "limit", "usage") {
			continue
		}
		if !slices.ContainsFunc(c.values, func(v string) bool { return strings.Trim(v, "0123456789.,") != "" }) && !flagColumn(c) {
			continue // counts, not names
		}
		lc := licenseColumn{c: c, flag: flagColumn(c)}
		if !lc.flag {
			lc.seps = listSeparators(c.values)
			lc.plus = strings.Contains(lc.seps, "+") && spacedPlus(c.values)
			for _, v := range c.distinct() {
				if slices.Contains(noLicense, mapping.FoldWord(v)) {
					lc.nones = append(lc.nones, mapping.FoldWord(v))
				}
			}
		}
		c.used = true
		d.licenses = append(d.licenses, lc)
	}
}

// licenseItem returns, for a JSON array of objects named like licenses (Graph's
// assignedLicenses), the key of its objects that names each: a name, else a SKU or
// product code, else an id (skuId); "" for any other column.
func licenseItem(c *draftColumn) string {
	if c.used || c.objects == 0 || !c.has(licenseNames...) || c.has("administered", "status", "count", "price", "cost") {
		return ""
	}
	best, bestRank := "", 0
	for _, key := range slices.Sorted(maps.Keys(c.items)) {
		words := headerWords(key)
		rank := 0
		switch {
		case slices.Contains(words, "name") && !slices.Contains(words, "display"):
			rank = 4
		case (slices.Contains(words, "sku") || slices.Contains(words, "product") || slices.Contains(words, "plan")) && !slices.Contains(words, "id"):
			rank = 3 // a code that names the product, such as Graph's skuPartNumber
		case slices.Contains(words, "id"):
			rank = 2
		}
		// The key must name every object's license.
		if rank > bestRank && len(c.items[key]) == c.objects {
			best, bestRank = key, rank
		}
	}
	return best
}

// flagColumn says whether a column holds yes and no, with at least one yes.
func flagColumn(c *draftColumn) bool {
	yes := false
	for _, v := range c.values {
		f := mapping.FoldWord(v)
		switch {
		case slices.Contains(yesWords, f):
			yes = true
		case !slices.Contains(noWords, f):
			return false
		}
	}
	return yes
}
