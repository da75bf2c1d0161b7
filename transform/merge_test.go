package transform

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/torii-transform/torii-transform/usersfile"
)

// TestMergeSharedValues checks that values many users share (role sets, statuses, dates)
// stay each user's own: a change to one user's never shows in another's.
func TestMergeSharedValues(t *testing.T) {
	in := newRows("email,role,plan,seen,state",
		"a@example.com,X,Pro,2025-01-01,",
		"b@example.com,X,Pro,2025-01-01,",
		"b@example.com,Y,Pro,2025-02-01,off",
		"a@example.com,,Pro,,",
		"c@example.com,Y,Pro,2025-01-01,",
		"c@example.com,X,,,",
		"c@example.com,X,,,",
	)
	p := compile(t, `version: 1
user:
  email: row.email
  roles: row.role
  lastUsedDate: date(row.seen)
licenses:
  - names: row.plan
    lastUsedDate: date(row.seen)
    status: 'row.state == "off" ? "inactive" : ""'
`, in)
	res, err := p.Run(in, Options{})
	if err != nil {
		t.Fatal(err, res.Errors)
	}
	want := &usersfile.File{
		Users: []usersfile.User{
			{Email: "a@example.com", Status: "active", Roles: []string{"X"}, LastUsedDate: "2025-01-01"},
			{Email: "b@example.com", Status: "active", Roles: []string{"X", "Y"}, LastUsedDate: "2025-02-01"},
			{Email: "c@example.com", Status: "active", Roles: []string{"X", "Y"}, LastUsedDate: "2025-01-01"},
		},
		Licenses: []usersfile.License{{Name: "Pro", Users: []usersfile.LicenseUser{
			{Email: "a@example.com", LicenseStatus: "active", LastUsedDate: "2025-01-01"},
			{Email: "b@example.com", LicenseStatus: "inactive", LastUsedDate: "2025-02-01"},
			{Email: "c@example.com", LicenseStatus: "active", LastUsedDate: "2025-01-01"},
		}}},
	}
	f := res.File()
	if diff := cmp.Diff(want, f); diff != "" {
		t.Fatalf("file (-want +got):\n%s", diff)
	}

	// File hands out copies: changing one changes neither the next nor what Encode writes.
	f.Users[0].Roles[0] = "changed"
	if got := res.File().Users[0].Roles[0]; got != "X" {
		t.Errorf("a change to one File's roles shows in the next: %q", got)
	}
	var b bytes.Buffer
	if err := res.Encode(&b); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	usersfile.Encode(&w, want)
	if b.String() != w.String() {
		t.Errorf("Encode (-want +got):\n%s", cmp.Diff(w.String(), b.String()))
	}
}

func TestBlocks(t *testing.T) {
	var l blocks[int]
	var first *int
	for i := range 3*blockSize + 5 {
		if got := l.add(i * 2); got != int32(i) {
			t.Fatalf("add returned %d, want %d", got, i)
		}
		if i == 0 {
			first = l.at(0)
		}
	}
	if l.len() != 3*blockSize+5 || *l.at(blockSize + 1) != 2*(blockSize+1) || *l.at(int32(l.len() - 1)) != 2*(l.len()-1) {
		t.Errorf("blocks lost entries")
	}
	if first != l.at(0) {
		t.Errorf("an entry moved as the list grew")
	}
}

func TestSortParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	emails := make([]string, 50_000)
	for i := range emails {
		// Long shared prefixes, so that the comparison often reads past the 8-byte key.
		emails[i] = fmt.Sprintf("user.%d@example.com", r.IntN(1_000_000_000))
	}
	emails = append(emails, "", "a", "user.1", "user.1\x00", "zzzzzzzzzzzzz")
	slices.Sort(emails)
	emails = slices.Compact(emails)
	want := slices.Clone(emails)
	for _, parts := range []int{1, 2, 3, 8} {
		r.Shuffle(len(emails), func(i, j int) { emails[i], emails[j] = emails[j], emails[i] })
		m := &merger{}
		for _, e := range emails {
			m.users.add(muser{email: m.text.add(e)})
		}
		var got []string
		for _, i := range m.byEmail(parts) {
			got = append(got, m.emailOf(i))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d parts: not in the emails' order", parts)
		}
	}
}

// TestEncodeManyUsers writes a file large enough that users and seats are sorted and
// encoded on several goroutines (run it with -race): the bytes are those of the File.
func TestEncodeManyUsers(t *testing.T) {
	in := bigRows(3 * (1<<14 + 500))
	p := compile(t, bigMapping, in)
	res, err := p.Run(in, Options{OnError: Skip, MaxErrors: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Users <= 1<<14 {
		t.Fatalf("%d users: too few to sort in parallel", res.Stats.Users)
	}
	var got, want bytes.Buffer
	if err := res.Encode(&got); err != nil {
		t.Fatal(err)
	}
	f := res.File()
	usersfile.Encode(&want, f)
	if got.String() != want.String() {
		t.Error("Result.Encode and usersfile.Encode of Result.File differ")
	}
	f.Sort()
	want.Reset()
	usersfile.Encode(&want, f)
	if got.String() != want.String() {
		t.Error("the users file is not in usersfile.Sort's order")
	}
}

// TestArenaAndEmailIndex fills an arena past several chunks, with texts longer than a
// chunk's quarter among them, and finds every user again by email after the index has
// grown many times; emails it does not hold are not found.
func TestArenaAndEmailIndex(t *testing.T) {
	m := &merger{index: newEmailIndex()}
	var emails []string
	for i := range 200_000 {
		e := fmt.Sprintf("user.%d@example.com", i)
		if i%50_000 == 7 {
			e = strings.Repeat("x", chunkSize/3) + e // a chunk of its own
		}
		emails = append(emails, e)
		u, slot, h := m.index.find(e, m.emailOf)
		if u != -1 {
			t.Fatalf("%q found before it was added", e)
		}
		m.index.insert(slot, h, m.users.add(muser{email: m.text.add(e)}))
	}
	if len(m.text.chunks) < 4 {
		t.Fatalf("%d chunks: the test does not cross chunks", len(m.text.chunks))
	}
	for i, e := range emails {
		if u, _, _ := m.index.find(strings.Clone(e), m.emailOf); u != int32(i) {
			t.Fatalf("%q: found user %d, want %d", e[max(0, len(e)-30):], u, i)
		}
	}
	for _, e := range []string{"", "user.200000@example.com", "User.1@example.com"} {
		if u, _, _ := m.index.find(e, m.emailOf); u != -1 {
			t.Errorf("%q: found user %d, want none", e, u)
		}
	}
}

// TestPermute checks that blocks.permute gives what copying entries in order gives,
// across blocks, for permutations with one long cycle, many short ones and none.
func TestPermute(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, blockSize - 1, blockSize + 1, 3*blockSize + 17} {
		orders := map[string][]int32{"random": nil, "identity": nil, "reversed": nil}
		for name := range orders {
			order := make([]int32, n)
			for i := range order {
				order[i] = int32(i)
			}
			switch name {
			case "random":
				r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
			case "reversed":
				slices.Reverse(order)
			}
			var l blocks[int64]
			for i := range n {
				l.add(int64(i) * 7)
			}
			l.permute(order)
			for i, k := range order {
				if got := *l.at(int32(i)); got != int64(k)*7 {
					t.Fatalf("%d entries, %s: position %d holds %d, want %d", n, name, i, got, int64(k)*7)
				}
			}
		}
	}
}
