package readers

import (
	"bufio"
	"bytes"
	"io"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Decode returns a reader of UTF-8 text decoded from r, and the encoding it used.
// With encoding "" the text is UTF-8, unless it starts with a UTF-16 byte-order mark,
// as Excel's "Unicode text" and some consoles' exports do. A UTF-8 byte-order mark is
// left for the format's reader to strip. A UTF-8 byte-order mark wins over a single-byte
// encoding: "ï»¿" opening a Windows-1252 file is no one's intent.
func Decode(r io.Reader, encoding string) (io.Reader, string) {
	enc := CanonicalEncoding(encoding)
	br := bufio.NewReaderSize(r, 64<<10)
	if enc == "windows-1252" || enc == "iso-8859-1" {
		if head, _ := br.Peek(3); bytes.Equal(head, []byte("\xEF\xBB\xBF")) {
			return br, "utf-8"
		}
	}
	if enc == "" || enc == "utf-8" {
		head, _ := br.Peek(2)
		switch {
		case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
			enc = "utf-16"
		default:
			return br, "utf-8"
		}
	}
	var t transform.Transformer
	switch enc {
	case "utf-16":
		// The byte-order mark decides; without one, little-endian, as Windows writes.
		t = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case "utf-16le":
		t = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case "utf-16be":
		t = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	case "windows-1252":
		t = charmap.Windows1252.NewDecoder()
	case "iso-8859-1":
		t = charmap.ISO8859_1.NewDecoder()
	default:
		return br, enc // callers check CanonicalEncoding first
	}
	return transform.NewReader(br, t), enc
}
