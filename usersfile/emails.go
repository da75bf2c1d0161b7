package usersfile

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
)

// emailSet finds the emails that repeat among many, case aside, and those of one set
// that another lacks. Each email's fingerprint (two independent 64-bit hashes), where it
// is and whose it is are appended as the checker walks them, and sorted once at the end:
// 32 bytes an email, where a map of the emails took four times that and more time.
// Repeats are confirmed by reading the emails again; membership is decided by the
// fingerprints, whose 128 bits make two different emails' agreeing a chance of about one
// in 10^38 for each pair.
type emailSet struct {
	seeds   *[2]maphash.Seed // shared by the sets of one checker, so that they compare
	entries []emailEntry
}

type emailEntry struct {
	hash, check uint64
	pos         int   // of the email's string in the data
	index       int32 // of the user or license user in its array
	valid       bool  // shaped like an email
}

func newEmailSet(seeds *[2]maphash.Seed) emailSet { return emailSet{seeds: seeds} }

func (s *emailSet) fingerprint(lower string) (hash, check uint64) {
	return maphash.String(s.seeds[0], lower), maphash.String(s.seeds[1], lower)
}

// add records the email lower (lowercased) of entry index, at pos.
func (s *emailSet) add(lower string, pos, index int, valid bool) {
	if len(s.entries) == cap(s.entries) {
		// Double, where append grows a large slice by a quarter: a million emails would
		// leave five times their size behind as garbage, and the peak memory with it.
		grown := make([]emailEntry, len(s.entries), max(1024, 2*cap(s.entries)))
		copy(grown, s.entries)
		s.entries = grown
	}
	h, chk := s.fingerprint(lower)
	s.entries = append(s.entries, emailEntry{hash: h, check: chk, pos: pos, index: int32(index), valid: valid})
}

// reset empties the set, keeping its memory for the next array.
func (s *emailSet) reset() { s.entries = s.entries[:0] }

// sort orders the entries by hash, then by index: each email's entries in the order of
// the array.
func (s *emailSet) sort() {
	slices.SortFunc(s.entries, func(a, b emailEntry) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.index, b.index))
	})
}

// repeats sorts the set and calls repeat for every valid entry whose email a valid entry
// before it in the array has too, with that first entry.
func (s *emailSet) repeats(c *checker, repeat func(e, first emailEntry)) {
	s.sort()
	for i := 0; i < len(s.entries); {
		j := i + 1
		for j < len(s.entries) && s.entries[j].hash == s.entries[i].hash {
			j++
		}
		if j-i > 1 {
			s.group(c, s.entries[i:j], repeat)
		}
		i = j
	}
}

// group finds the repeats among entries of one hash, in the order of the array. The
// group is small: its entries are of one email, unless hashes collided.
func (s *emailSet) group(c *checker, entries []emailEntry, repeat func(e, first emailEntry)) {
	var firsts []emailEntry // the first valid entry of each email in the group
	var emails []string
	for _, e := range entries {
		if !e.valid {
			continue
		}
		email := c.lowerAt(e.pos)
		if k := slices.Index(emails, email); k >= 0 {
			repeat(e, firsts[k])
			continue
		}
		firsts, emails = append(firsts, e), append(emails, email)
	}
}

// has reports whether the sorted set holds lower, valid or not.
func (s *emailSet) has(lower string) bool {
	h, chk := s.fingerprint(lower)
	i, _ := slices.BinarySearchFunc(s.entries, h, func(e emailEntry, h uint64) int { return cmp.Compare(e.hash, h) })
	for ; i < len(s.entries) && s.entries[i].hash == h; i++ {
		if s.entries[i].check == chk {
			return true
		}
	}
	return false
}

// missing calls fn for each entry of the sorted set s whose email the sorted set of
// others lacks, walking both in their order.
func (s *emailSet) missing(others *emailSet, fn func(e emailEntry)) {
	o := others.entries
	j := 0
	for _, e := range s.entries {
		for j < len(o) && o[j].hash < e.hash {
			j++
		}
		found := false
		for k := j; k < len(o) && o[k].hash == e.hash; k++ {
			if o[k].check == e.check {
				found = true
				break
			}
		}
		if !found {
			fn(e)
		}
	}
}

// lowerAt returns the string at pos in the data, lowercased.
func (c *checker) lowerAt(pos int) string {
	save := c.pos
	c.pos = pos
	s := c.view()
	c.pos = save
	return strings.ToLower(s)
}
