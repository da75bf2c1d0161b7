package transform

import (
	"hash/maphash"
	"unsafe"
)

// The merger keeps a million users' text without a million pointers: the text lives in
// a few large chunks of bytes, and users refer to it by position. The garbage collector
// then has nothing to trace in the users, the seats or the email index, however many
// there are, and each collection costs the same small amount whatever the export's size.

// span is a text kept in an arena: its chunk, where it starts there, and its length.
type span struct{ chunk, off, n uint32 }

// chunkSize is the size of an arena's chunks; a text longer than a quarter of it gets a
// chunk of its own.
const chunkSize = 1 << 20

// arena holds text that never changes once added. Its chunks are never moved or
// reused, so the strings str gives stay valid while the arena is reachable.
type arena struct {
	chunks [][]byte
}

// add copies s into the arena.
func (a *arena) add(s string) span {
	if s == "" {
		return span{}
	}
	last := len(a.chunks) - 1
	if len(s) > chunkSize/4 {
		a.chunks = append(a.chunks, []byte(s))
		return span{chunk: uint32(len(a.chunks) - 1), n: uint32(len(s))}
	}
	if last < 0 || len(a.chunks[last])+len(s) > cap(a.chunks[last]) {
		a.chunks = append(a.chunks, make([]byte, 0, chunkSize))
		last = len(a.chunks) - 1
	}
	c := &a.chunks[last]
	off := len(*c)
	*c = append(*c, s...)
	return span{chunk: uint32(last), off: uint32(off), n: uint32(len(s))}
}

// str returns the text at sp, without copying it.
func (a *arena) str(sp span) string {
	if sp.n == 0 {
		return ""
	}
	return unsafe.String(&a.chunks[sp.chunk][sp.off], sp.n)
}

// emailIndex finds users by email: an open-addressing table of each user's index and
// 32 bits of its email's hash, which compares emails only when the bits agree.
type emailIndex struct {
	seed  maphash.Seed
	slots []uint64 // hash<<32 | user+1; 0 is empty
	n     int
}

func newEmailIndex() emailIndex {
	return emailIndex{seed: maphash.MakeSeed(), slots: make([]uint64, 1<<10)}
}

// find returns the user whose email is email, as emailOf tells users' emails, or -1.
// When there is none, slot is where to insert it.
func (x *emailIndex) find(email string, emailOf func(int32) string) (user int32, slot int, h uint32) {
	h = uint32(maphash.String(x.seed, email) >> 32)
	mask := len(x.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return -1, i, h
		}
		if uint32(s>>32) == h {
			if u := int32(uint32(s)) - 1; emailOf(u) == email {
				return u, i, h
			}
		}
	}
}

// insert records user at the slot find gave, with its email's hash bits h.
func (x *emailIndex) insert(slot int, h uint32, user int32) {
	x.slots[slot] = uint64(h)<<32 | uint64(uint32(user+1))
	if x.n++; x.n*4 >= len(x.slots)*3 {
		x.grow()
	}
}

// grow doubles the table, placing each user by the hash bits it keeps.
func (x *emailIndex) grow() {
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	mask := len(x.slots) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := int(uint32(s>>32)) & mask
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = s
	}
}
