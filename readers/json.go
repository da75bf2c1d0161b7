package readers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/torii-transform/torii-transform/diag"
	"github.com/torii-transform/torii-transform/record"
)

// jsonSettings are the settings of JSON.
var jsonSettings = []Setting{
	{Key: "path", Flag: "path", Type: "key.key", Formats: []Format{FormatJSON},
		Usage: "JSON: the dotted path of the records' array in the top-level object, such as value or data.users (default: the mapping's, else the first array)",
		Set:   func(o *Options, v string) error { o.Path = v; return nil }},
}

// DefaultSample is how many records a JSON reader reads ahead to learn their keys.
const DefaultSample = 1000

// JSON reads the records of a JSON array of objects, found at the top level or under a
// path inside an object (Microsoft Graph's {"value": [...]}), or of NDJSON. It
// implements record.Reader. The input is streamed: one record is decoded at a time,
// after the first Sample, which are read ahead to build the header.
//
// Records are objects. Numbers keep their exact value: a whole number that fits is an
// int, any other number with at most 15 significant digits a float64 (which gives back
// the same decimal digits: 35.20 is 35.2, never 35.199999), and the rest json.Number,
// so that ids and prices never lose digits and expressions do arithmetic on them. The header is of kind record.Objects: its names are
// the top-level keys of the sampled records, in the order they first appear. Text must be
// UTF-8 (a byte-order mark is dropped); invalid UTF-8 is an error rather than being
// replaced. Positions are 1-based lines and byte columns; a record's is where it starts.
type JSON struct {
	file  string
	lines bool
	path  string
	open  int // JSON: objects around the records' array, to be read to their end
	// doc holds the members of the objects around the records' array, the array left
	// out; docs[i] is the object open at depth i, to which members are added.
	doc     map[string]any
	docs    []map[string]any
	dec     *json.Decoder
	lt      *offsetLines
	br      *bufio.Reader // NDJSON
	line    int           // NDJSON: the line just read
	header  *record.Header
	pending []*record.Record
	err     error // take's, sticky, io.EOF included

	// Decoding ahead (see Read): the chunks in order, the one being handed out, and
	// what stops it. final is Read's last error, once the records have ended.
	order <-chan *aheadChunk
	cur   *aheadChunk
	stop  chan struct{}
	final error
	ended bool // Read has handed out the end of the input taken ahead
}

var _ record.Reader = (*JSON)(nil)

// NewJSON reads up to the first records and returns a reader positioned at the first.
// name is the input's name in positions. NewJSON and JSON never close r.
func NewJSON(r io.Reader, name string, opt Options) (*JSON, error) {
	if opt.Sample <= 0 {
		opt.Sample = DefaultSample
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	j := &JSON{file: name, lines: opt.Format == FormatNDJSON}
	if j.lines {
		j.br = br
	} else {
		j.lt = &offsetLines{r: br, prevNL: -1}
		j.dec = json.NewDecoder(j.lt)
		j.dec.UseNumber()
		if err := j.findRecords(opt.Path); err != nil {
			return nil, err
		}
	}
	// Read ahead, and gather the keys of the records in order of first appearance.
	var names []string
	seen := map[string]bool{}
	for len(j.pending) < opt.Sample {
		rec, keys, err := j.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
		j.pending = append(j.pending, rec)
	}
	j.header = record.NewHeader(name, "", 0, names)
	j.header.Kind = record.Objects
	j.header.Sampled = len(j.pending)
	j.header.Keys = nestedKeys(j.pending)
	if len(j.pending) > 0 {
		j.header.Line = j.pending[0].Line
	}
	for _, rec := range j.pending {
		rec.Header = j.header
	}
	return j, nil
}

// Header returns the input's header: the keys of the sampled records.
func (j *JSON) Header() *record.Header { return j.header }

// Path returns the path of the records' array, as given or found; "" for a top-level
// array or NDJSON.
func (j *JSON) Path() string { return j.path }

// Read returns the next record. At the end of the records it returns nil, io.EOF; what
// follows the array, if anything, is not read. Every other error is a
// *diag.Error; after one, Read returns it again, except in NDJSON, where the next
// line can still be read.
//
// Once the sampled records are returned, records are decoded ahead on every core, and
// handed out in order: decoding JSON is most of the work of reading it.
func (j *JSON) Read() (*record.Record, error) {
	if len(j.pending) > 0 {
		rec := j.pending[0]
		j.pending[0] = nil
		j.pending = j.pending[1:]
		return rec, nil
	}
	if j.final != nil {
		return nil, j.final
	}
	if j.order == nil {
		if j.err != nil { // the input ended within the sample
			j.final = j.err
			return nil, j.err
		}
		j.decodeAhead()
	}
	for {
		c := j.cur
		if c == nil {
			var ok bool
			if c, ok = <-j.order; !ok {
				j.final = errors.New("read after Close")
				return nil, j.final
			}
			<-c.done
			j.cur = c
		}
		if i := c.next; i < len(c.raws) {
			c.next++
			rec, err := c.recs[i], c.errs[i]
			c.recs[i], c.raws[i] = nil, rawRecord{}
			if err != nil {
				return nil, err
			}
			rec.Header = j.header
			return rec, nil
		}
		if c.end != nil {
			j.final, j.ended = c.end, true
			return nil, c.end
		}
		j.cur = nil
	}
}

// Close stops decoding ahead. It does not close the input.
func (j *JSON) Close() error {
	if j.stop != nil {
		close(j.stop)
		j.stop = nil
	}
	if j.final == nil {
		j.final = errors.New("read after Close")
	}
	return nil
}

// rawRecord is one record's text as taken from the input, and where it starts.
type rawRecord struct {
	raw   []byte
	start diag.Pos
}

// aheadChunk is a run of records taken from the input in order, which one of the
// decoders decodes.
type aheadChunk struct {
	raws []rawRecord
	recs []*record.Record
	errs []error
	end  error // what take gave after raws, if anything: io.EOF, or an error that stops the input
	done chan struct{}
	next int // Read's place in it
}

// aheadChunkSize is how many records travel together to a decoder.
const aheadChunkSize = 256

// decodeAhead starts taking records from the input on one goroutine and decoding them
// on as many as there are cores; Read hands them out in the input's order.
func (j *JSON) decodeAhead() {
	workers := runtime.GOMAXPROCS(0)
	order, work, stop := make(chan *aheadChunk, 2*workers), make(chan *aheadChunk, 2*workers), make(chan struct{})
	j.order, j.stop = order, stop
	go func() {
		defer close(order)
		defer close(work)
		for {
			c := &aheadChunk{done: make(chan struct{}), raws: make([]rawRecord, 0, aheadChunkSize)}
			for len(c.raws) < aheadChunkSize {
				rr, err := j.take()
				if err != nil {
					c.end = err
					break
				}
				c.raws = append(c.raws, rr)
			}
			// In order first, so that a chunk is in order before a decoder can finish it.
			select {
			case order <- c:
			case <-stop:
				return
			}
			select {
			case work <- c:
			case <-stop:
				return
			}
			if c.end != nil {
				return
			}
		}
	}()
	for range workers {
		go func() {
			for c := range work {
				c.recs, c.errs = make([]*record.Record, len(c.raws)), make([]error, len(c.raws))
				for i, rr := range c.raws {
					c.recs[i], _, c.errs[i] = decodeRecord(j.file, j.lines, rr, false)
				}
				close(c.done)
			}
		}()
	}
}

// next takes and decodes the next record, and returns its top-level keys in order: what
// reading the sample does.
func (j *JSON) next() (*record.Record, []string, error) {
	rr, err := j.take()
	if err != nil {
		return nil, nil, err
	}
	return decodeRecord(j.file, j.lines, rr, true)
}

// take returns the next record's text from the input: the next non-blank line of NDJSON,
// or the next element of the records' array, checked to be UTF-8 there (where the
// position of a bad byte is known). Its errors are sticky, io.EOF included.
func (j *JSON) take() (rawRecord, error) {
	if j.err != nil {
		return rawRecord{}, j.err
	}
	if j.lines {
		raw, start, err := j.nextLine()
		return rawRecord{raw: raw, start: start}, err
	}
	if !j.dec.More() {
		before := j.dec.InputOffset()
		if _, err := j.dec.Token(); err != nil { // the closing ]
			j.err = j.syntaxError(err, before, true)
			return rawRecord{}, j.err
		}
		if j.err = j.rest(); j.err == nil {
			j.err = io.EOF
		}
		return rawRecord{}, j.err
	}
	var msg json.RawMessage
	before := j.dec.InputOffset()
	if err := j.dec.Decode(&msg); err != nil {
		j.err = j.syntaxError(err, before, true)
		return rawRecord{}, j.err
	}
	off := j.dec.InputOffset() - int64(len(msg))
	start := j.lt.pos(j.file, off)
	if i := invalidUTF8(msg); i >= 0 {
		j.err = errorAt(j.lt.pos(j.file, off+int64(i)), hintEncoding, errors.New("invalid UTF-8"))
		return rawRecord{}, j.err
	}
	j.lt.forget(off)
	return rawRecord{raw: msg, start: start}, nil
}

// decodeRecord decodes a record's text, and returns its top-level keys in order when
// keys is set. An NDJSON line is checked here, where its position is known: UTF-8, one
// JSON value. Its errors concern the record alone.
func decodeRecord(file string, lines bool, rr rawRecord, keys bool) (*record.Record, []string, error) {
	raw, start := rr.raw, rr.start
	var obj map[string]any
	if lines {
		if i := invalidUTF8(raw); i >= 0 {
			pos := start
			pos.Column += i
			return nil, nil, errorAt(pos, hintEncoding, errors.New("invalid UTF-8"))
		}
		lead := start.Column - 1
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		err := d.Decode(&v)
		if err == nil && d.More() {
			off := d.InputOffset()
			for off < int64(len(raw)) && (raw[off] == ' ' || raw[off] == '\t') {
				off++
			}
			return nil, nil, errorAt(diag.Pos{File: file, Line: start.Line, Column: lead + int(off) + 1},
				"NDJSON holds one record per line", errors.New("more than one JSON value on the line"))
		}
		if err != nil {
			return nil, nil, errorAt(lineSyntaxPos(file, start.Line, lead, raw, err), "", syntaxMessage(err))
		}
		var ok bool
		if obj, ok = v.(map[string]any); !ok {
			return nil, nil, errorAt(start, "", fmt.Errorf("record is %s, not an object", kindOfJSON(raw[0])))
		}
	} else {
		if raw[0] != '{' {
			return nil, nil, errorAt(start, "", fmt.Errorf("record is %s, not an object", kindOfJSON(raw[0])))
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&obj); err != nil {
			return nil, nil, errorAt(start, "", err)
		}
	}
	Numbers(obj)
	rec := &record.Record{Object: obj, Line: start.Line, Locs: []record.Loc{{Line: int32(start.Line), Column: int32(start.Column)}}}
	if !keys {
		return rec, nil, nil
	}
	return rec, topKeys(raw), nil
}

// nextLine returns the next non-blank line of NDJSON, without the blanks around it.
func (j *JSON) nextLine() ([]byte, diag.Pos, error) {
	for {
		line, err := j.br.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				j.err = io.EOF
				return nil, diag.Pos{}, io.EOF
			}
			j.err = &diag.Error{Pos: diag.Pos{File: j.file, Line: j.line}, Err: err}
			return nil, diag.Pos{}, j.err
		}
		j.line++
		trimmed := bytes.TrimLeft(line, " \t")
		lead := len(line) - len(trimmed)
		trimmed = bytes.TrimRight(trimmed, " \t\r\n")
		if len(trimmed) == 0 {
			continue
		}
		return trimmed, diag.Pos{File: j.file, Line: j.line, Column: lead + 1}, nil
	}
}

func lineSyntaxPos(file string, line, lead int, b []byte, err error) diag.Pos {
	col := len(b) + 1
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 {
		col = int(se.Offset)
	}
	return diag.Pos{File: file, Line: line, Column: lead + col}
}

// syntaxMessage rewords encoding/json's errors for people who did not write the parser.
func syntaxMessage(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("unexpected end of JSON input: the file may be truncated")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errors.New(strings.TrimPrefix(se.Error(), "json: "))
	}
	return err
}

// syntaxError positions an error from the streaming decoder, which was reading a value
// from the offset from on (after a comma, when afterComma).
func (j *JSON) syntaxError(err error, from int64, afterComma bool) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && strings.HasPrefix(se.Error(), "expected "):
		// Between values the decoder's offset is right: it points at the character.
		return errorAt(j.lt.pos(j.file, se.Offset), "", syntaxMessage(err))
	case errors.As(err, &se):
		return errorAt(j.lt.pos(j.file, j.lt.locate(from, afterComma)), "", syntaxMessage(err))
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		return errorAt(j.lt.pos(j.file, j.lt.n), "", syntaxMessage(err))
	}
	return &diag.Error{Pos: diag.Pos{File: j.file}, Err: err}
}

// rest reads what follows the records' array: the rest of the objects around it, and
// then nothing but white space. A second document after the first, such as the next
// page of an API's answer saved to the same file, holds records nobody would read.
func (j *JSON) rest() error {
	for ; j.open > 0; j.open-- {
		for j.dec.More() {
			var key string
			for i := range 2 { // a key, then its value
				before := j.dec.InputOffset()
				tok, err := j.dec.Token()
				if err != nil {
					return j.syntaxError(err, before, true)
				}
				if i == 0 {
					key, _ = tok.(string)
					continue
				}
				if err := j.keep(key, tok); err != nil {
					return err
				}
			}
		}
		if len(j.docs) > 0 {
			j.docs = j.docs[:len(j.docs)-1]
		}
		before := j.dec.InputOffset()
		if _, err := j.dec.Token(); err != nil { // the object's closing }
			return j.syntaxError(err, before, true)
		}
	}
	before := j.dec.InputOffset()
	switch _, err := j.dec.Token(); {
	case err == io.EOF:
		return nil
	case err != nil:
		return j.syntaxError(err, before, false)
	}
	return errorAt(j.lt.pos(j.file, j.lt.nextValue(before)),
		"convert each document on its own, or join their records into one array; one record a line is NDJSON (--format ndjson)",
		errors.New("another JSON document follows the one that holds the records: its records would be left out"))
}

// findRecords reads up to the opening [ of the records' array.
func (j *JSON) findRecords(path string) error {
	tok, err := j.dec.Token()
	switch {
	case err == io.EOF:
		return errorAt(diag.Pos{File: j.file}, "", errors.New("empty input: no JSON"))
	case err != nil:
		return j.syntaxError(err, 0, false)
	}
	switch tok {
	case json.Delim('['):
		if path != "" {
			return errorAt(j.lt.pos(j.file, 0), "leave out the path: the records are the top-level array",
				fmt.Errorf("the top level is an array, so there is no %q in it", path))
		}
		return nil
	case json.Delim('{'):
		j.open = 1
		j.doc = map[string]any{}
		j.docs = []map[string]any{j.doc}
	default:
		return errorAt(j.lt.pos(j.file, 0), "", fmt.Errorf("the top level is %s, not an array of records or an object holding one", describeToken(tok)))
	}
	var parts []string
	if path != "" {
		parts = strings.Split(path, ".")
	}
	var empty []string // arrays that hold no objects, passed over when looking for records
	for depth := 0; ; {
		var keys []string
		found := false
		for j.dec.More() {
			kt, err := j.dec.Token()
			if err != nil {
				return j.syntaxError(err, 0, false)
			}
			key, _ := kt.(string)
			keys = append(keys, key)
			vt, err := j.dec.Token()
			if err != nil {
				return j.syntaxError(err, 0, false)
			}
			switch {
			case len(parts) == 0 && vt == json.Delim('[') && j.firstIsObject():
				j.path = key
				return nil
			case len(parts) == 0 && vt == json.Delim('['):
				// An empty list, or one of text such as SCIM's "schemas": not the records.
				empty = append(empty, key)
				if err := j.keep(key, vt); err != nil {
					return err
				}
			case len(parts) > 0 && key == parts[depth]:
				last := depth == len(parts)-1
				if last && vt == json.Delim('[') {
					j.path = path
					return nil
				}
				if !last && vt == json.Delim('{') {
					depth++
					j.open++
					inner := map[string]any{}
					j.docs[len(j.docs)-1][key] = inner
					j.docs = append(j.docs, inner)
					found = true
				} else {
					want := "an array of records"
					if !last {
						want = "an object"
					}
					return errorAt(j.lt.pos(j.file, j.dec.InputOffset()-1), "",
						fmt.Errorf("%q is %s, not %s", strings.Join(parts[:depth+1], "."), describeToken(vt), want))
				}
			default:
				if err := j.keep(key, vt); err != nil {
					return err
				}
			}
			if found {
				break
			}
		}
		if found {
			continue
		}
		where := "the top-level object"
		if depth > 0 {
			where = fmt.Sprintf("%q", strings.Join(parts[:depth], "."))
		}
		if len(parts) == 0 {
			if _, err := j.dec.Token(); err == nil && j.dec.More() { // the object's }, then more
				return errorAt(diag.Pos{File: j.file, Line: 1, Column: 1}, "read it as NDJSON: --format ndjson, or the mapping's input.format",
					errors.New("the input holds one JSON object after another, not an array of records"))
			}
			what := fmt.Sprintf("its keys: %s", diag.QuoteAll(keys))
			switch {
			case len(empty) == 1:
				what += fmt.Sprintf("; %s holds no objects", diag.QuoteAll(empty))
			case len(empty) > 1:
				what += fmt.Sprintf("; %s hold no objects", diag.QuoteAll(empty))
			}
			return errorAt(diag.Pos{File: j.file, Line: 1, Column: 1}, "give the records' path with --path or the mapping's input.path, such as data.users",
				fmt.Errorf("%s holds no array of records (%s)", where, what))
		}
		return errorAt(diag.Pos{File: j.file, Line: 1, Column: 1}, "",
			fmt.Errorf("no %q in %s (its keys: %s)", parts[depth], where, diag.QuoteAll(keys)))
	}
}

// firstIsObject reports, just after an array's [, whether its first element is an
// object, without reading it.
func (j *JSON) firstIsObject() bool {
	if !j.dec.More() { // this reads ahead to the next element, if any
		return false
	}
	br := j.dec.Buffered()
	var c [1]byte
	for {
		if _, err := br.Read(c[:]); err != nil {
			return false
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c[0] == '{'
	}
}

// keep reads the rest of the value of key, whose first token is tok, into the object
// open around the records.
func (j *JSON) keep(key string, tok json.Token) error {
	v, err := j.value(tok)
	if err != nil {
		return err
	}
	if len(j.docs) > 0 {
		j.docs[len(j.docs)-1][key] = Numbers(v)
	}
	return nil
}

// value reads the rest of a value whose first token is tok.
func (j *JSON) value(tok json.Token) (any, error) {
	switch tok {
	case json.Delim('['):
		list := []any{}
		for j.dec.More() {
			t, err := j.dec.Token()
			if err != nil {
				return nil, j.syntaxError(err, 0, false)
			}
			v, err := j.value(t)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := j.dec.Token()
		return list, err
	case json.Delim('{'):
		obj := map[string]any{}
		for j.dec.More() {
			kt, err := j.dec.Token()
			if err != nil {
				return nil, j.syntaxError(err, 0, false)
			}
			t, err := j.dec.Token()
			if err != nil {
				return nil, j.syntaxError(err, 0, false)
			}
			v, err := j.value(t)
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			obj[k] = v
		}
		_, err := j.dec.Token()
		return obj, err
	}
	return tok, nil
}

// Doc returns the members of the objects around the records' array, nested as they are,
// the array left out: a response's totals and paging links, such as
// {"total_seats": 25, "@odata.nextLink": "..."}. It is complete once Read has returned
// io.EOF; nil when the records are the top-level array or NDJSON, and while records are
// decoded ahead and the input has not ended (the members after the array are then
// being read).
func (j *JSON) Doc() map[string]any {
	if j.order != nil && !j.ended {
		return nil
	}
	return j.doc
}

func describeToken(t json.Token) string {
	switch t := t.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "text"
	case json.Number, float64:
		return "a number"
	case bool:
		return "true or false"
	}
	return "null"
}

func kindOfJSON(b byte) string {
	switch {
	case b == '[':
		return "an array"
	case b == '"':
		return "text"
	case b == 't' || b == 'f':
		return "true or false"
	case b == 'n':
		return "null"
	}
	return "a number"
}

// topKeys returns the top-level keys of a valid JSON object, in order.
func topKeys(raw []byte) []string {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.Token() // {
	var keys []string
	for d.More() {
		t, err := d.Token()
		if err != nil {
			break
		}
		k, _ := t.(string)
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			break
		}
	}
	return keys
}

// invalidUTF8 returns the offset of the first invalid UTF-8 sequence in b, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// offsetLines counts the bytes and lines read through it, and keeps the bytes and line
// starts after a point the reader is told to forget below, so that a byte offset in the
// stream can be given as a line and a column, and an error found again in the bytes.
type offsetLines struct {
	r      io.Reader
	n      int64   // bytes read
	nl     []int64 // offsets of newlines not forgotten
	base   int     // newlines forgotten
	prevNL int64   // offset of the last newline forgotten, or -1
	mark   int64   // offset of kept[0]
	kept   []byte
}

func (t *offsetLines) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	b := p[:n]
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			break
		}
		t.nl = append(t.nl, t.n+int64(off+i))
		off += i + 1
	}
	t.kept = append(t.kept, b...)
	t.n += int64(n)
	return n, err
}

// forget drops what comes before off: no position before it is asked for again.
func (t *offsetLines) forget(off int64) {
	if off > t.mark && off <= t.n {
		k := t.kept[off-t.mark:]
		if cap(t.kept) > 1<<20 && len(k) < cap(t.kept)/4 {
			k = append([]byte(nil), k...) // let a large buffer go
		}
		t.kept, t.mark = k, off
	}
	i := sort.Search(len(t.nl), func(i int) bool { return t.nl[i] >= off })
	if i == 0 {
		return
	}
	t.prevNL = t.nl[i-1]
	t.base += i
	t.nl = append(t.nl[:0], t.nl[i:]...)
}

// pos returns the position of the byte at off.
func (t *offsetLines) pos(file string, off int64) diag.Pos {
	i := sort.Search(len(t.nl), func(i int) bool { return t.nl[i] >= off })
	prev := t.prevNL
	if i > 0 {
		prev = t.nl[i-1]
	}
	return diag.Pos{File: file, Line: t.base + i + 1, Column: int(off - prev)}
}

// nextValue returns the offset of the first byte after off that is not white space.
func (t *offsetLines) nextValue(off int64) int64 {
	off = max(off, t.mark)
	b := t.kept[off-t.mark:]
	return off + int64(len(b)-len(bytes.TrimLeft(b, " \t\r\n")))
}

// locate finds the offset of the syntax error in the bytes kept from off on, where a
// value (after a comma, when afterComma) starts: encoding/json's Decoder counts its
// offsets in ways that do not always match the stream's. At the end of the input it
// returns the end.
func (t *offsetLines) locate(off int64, afterComma bool) int64 {
	if off < t.mark {
		off = t.mark
	}
	b := t.kept[off-t.mark:]
	skip := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
	if afterComma && skip < len(b) && b[skip] == ',' {
		skip++
	}
	var v json.RawMessage
	var se *json.SyntaxError
	if err := json.Unmarshal(b[skip:], &v); errors.As(err, &se) && se.Offset > 0 && int(se.Offset) <= len(b)-skip {
		if strings.HasPrefix(se.Error(), "unexpected end") {
			return t.n
		}
		return off + int64(skip) + se.Offset - 1
	}
	return t.n
}

// Numbers replaces, in place, the json.Number values inside v (a decoded JSON value) by
// the exact Go value expressions compute with, and returns v: an int for a whole number
// that fits, a float64 for a number of at most 15 significant digits (float64 holds
// those exactly enough to give the same digits back), else the json.Number as it is.
func Numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		return number(v)
	case map[string]any:
		for k, it := range v {
			switch it.(type) {
			case json.Number, map[string]any, []any:
				v[k] = Numbers(it)
			}
		}
	case []any:
		for i, it := range v {
			switch it.(type) {
			case json.Number, map[string]any, []any:
				v[i] = Numbers(it)
			}
		}
	}
	return v
}

func number(n json.Number) any {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 0); err == nil {
			return int(i)
		}
		return n
	}
	if significantDigits(s) > 15 {
		return n
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return n
	}
	return f
}

// significantDigits counts the digits of a JSON number's mantissa between its first and
// last non-zero digits.
func significantDigits(s string) int {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(strings.ReplaceAll(strings.TrimPrefix(s, "-"), ".", ""), "0")
	return len(s)
}

// maxKeyDepth bounds how deep nestedKeys looks into records.
const maxKeyDepth = 8

// nestedKeys gathers the keys of the objects nested in recs, by dotted path, sorted.
func nestedKeys(recs []*record.Record) map[string][]string {
	seen := map[string]map[string]bool{}
	var walk func(path string, obj map[string]any, depth int)
	walk = func(path string, obj map[string]any, depth int) {
		for k, v := range obj {
			inner, ok := v.(map[string]any)
			if !ok || depth == maxKeyDepth {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if seen[p] == nil {
				seen[p] = map[string]bool{}
			}
			for ik := range inner {
				seen[p][ik] = true
			}
			walk(p, inner, depth+1)
		}
	}
	for _, rec := range recs {
		walk("", rec.Object, 1)
	}
	if len(seen) == 0 {
		return nil
	}
	keys := make(map[string][]string, len(seen))
	for p, set := range seen {
		keys[p] = slices.Sorted(maps.Keys(set))
	}
	return keys
}
