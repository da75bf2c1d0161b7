// Command diff measures usersfile.Compare on two generated users files of a million users
// each, against the time to decode (and validate) both in the same run.
//
//	go run ./bench/diff [-users 1000000] [-dir DIR] [-cli-rounds 5]
//
// Then, from the root of the repository, it times the command line's validate and diff
// against jq '.users|length' on the same files, in paired rounds.
//
// The files are generated deterministically: the same -users gives the same bytes.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/torii-transform/torii-transform/usersfile"
	"github.com/torii-transform/torii-transform/writers"
)

func main() {
	n := flag.Int("users", 1_000_000, "users in each file")
	dir := flag.String("dir", "", "folder for the generated files (default: a temporary folder, removed at the end)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of Compare to this file")
	rounds := flag.Int("cli-rounds", 5, "paired rounds of jq, validate and diff on the command line (0: none)")
	flag.Parse()
	log.SetFlags(0)

	if *dir == "" {
		d, err := os.MkdirTemp("", "diffbench-*")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	oldPath, newPath := filepath.Join(*dir, "old.json"), filepath.Join(*dir, "new.json")
	old, new := generate(*n, 1)
	for path, f := range map[string]*usersfile.File{oldPath: old, newPath: new} {
		if err := writers.WriteFile(path, 0o600, func(w io.Writer) error { return usersfile.Encode(w, f) }); err != nil {
			log.Fatal(err)
		}
	}
	old, new = nil, nil
	runtime.GC()

	oldData, newData := read(oldPath), read(newPath)
	fmt.Printf("files: %d users each, %s and %s\n", *n, mib(len(oldData)), mib(len(newData)))

	start := time.Now()
	for _, data := range [][]byte{oldData, newData} {
		if vs, err := usersfile.Validate(data); err != nil || len(vs) > 0 {
			log.Fatalf("generated file is invalid: %v %v", err, vs)
		}
	}
	validate := time.Since(start)

	start = time.Now()
	old, new = decode(oldData), decode(newData)
	decodeBoth := time.Since(start)

	// What diff and push do: validate and decode in one call.
	start = time.Now()
	for _, data := range [][]byte{oldData, newData} {
		if _, vs, err := usersfile.DecodeValid(data); err != nil || len(vs) > 0 {
			log.Fatalf("generated file is invalid: %v %v", err, vs)
		}
	}
	decodeValid := time.Since(start)
	runtime.GC()

	// encoding/json decoding the same files into the same types: the baseline.
	start = time.Now()
	for _, data := range [][]byte{oldData, newData} {
		var f usersfile.File
		if err := json.Unmarshal(data, &f); err != nil {
			log.Fatal(err)
		}
	}
	reflectBoth := time.Since(start)
	oldData, newData = nil, nil
	runtime.GC()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			log.Fatal(err)
		}
	}
	start = time.Now()
	d := usersfile.Compare(old, new)
	compare := time.Since(start)
	pprof.StopCPUProfile()
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc

	start = time.Now()
	if err := writers.WriteDiff(io.Discard, d, "json", writers.DiffOptions{}); err != nil {
		log.Fatal(err)
	}
	render := time.Since(start)

	s := d.Summary()
	fmt.Printf("changes: %d (%d removed, %d added, %d deactivated, %d users changed, %d seats removed, %d assigned, %d changed)\n",
		len(d.Changes), s.UsersRemoved, s.UsersAdded, s.Deactivated, s.UsersChanged, s.SeatsRemoved, s.SeatsAssigned, s.SeatsChanged)
	fmt.Printf("validate both:              %v\n", validate.Round(time.Millisecond))
	fmt.Printf("decode both:                %v (%.2f× json.Unmarshal)\n", decodeBoth.Round(time.Millisecond), decodeBoth.Seconds()/reflectBoth.Seconds())
	fmt.Printf("DecodeValid both:           %v (%.2f× json.Unmarshal)\n", decodeValid.Round(time.Millisecond), decodeValid.Seconds()/reflectBoth.Seconds())
	fmt.Printf("json.Unmarshal both:        %v\n", reflectBoth.Round(time.Millisecond))
	fmt.Printf("compare:                    %v (%.2f× DecodeValid both)\n", compare.Round(time.Millisecond), compare.Seconds()/decodeValid.Seconds())
	fmt.Printf("write JSON:                 %v\n", render.Round(time.Millisecond))
	fmt.Printf("compare allocated %s (%d bytes a user of either file)\n", mib(int(allocated)), int(allocated)/(2**n))
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		fmt.Printf("peak memory of the run (RSS): %s\n", mib(int(ru.Maxrss)*1024))
	}

	if *rounds > 0 {
		root, err := os.Getwd()
		if err != nil {
			log.Fatal(err)
		}
		if err := compareCLI(root, oldPath, newPath, *rounds); err != nil {
			log.Fatal(err)
		}
	}

	// Memory is linear in the files' size: Compare allocates the same bytes a user at a
	// quarter, a half and all of the users.
	for _, k := range []int{*n / 4, *n / 2, *n} {
		o, nw := generate(k, 1)
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		usersfile.Compare(o, nw)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		fmt.Printf("  %8d users: compare %v, %d bytes allocated a user\n", k, took.Round(time.Millisecond), int(after.TotalAlloc-before.TotalAlloc)/(2*k))
	}
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return data
}

func decode(data []byte) *usersfile.File {
	f, err := usersfile.DecodeBytes(data)
	if err != nil {
		log.Fatal(err)
	}
	return f
}

func mib(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

var licenses = []string{"Basic", "Business", "Enterprise", "Pro", "Viewer"}

// generate returns two users files of about n users each, sorted as convert writes them:
// the new one removes 1% of the users, adds 1%, deactivates 1%, changes a field of 2%,
// and moves a few seats.
func generate(n int, seed uint64) (old, new *usersfile.File) {
	r := rand.New(rand.NewPCG(seed, seed))
	old, new = &usersfile.File{}, &usersfile.File{}
	for _, name := range licenses {
		price := int64(len(name) * 100)
		old.Licenses = append(old.Licenses, usersfile.License{Name: name, PricePerUser: &price})
		newPrice := price
		if name == "Pro" {
			newPrice += 50
		}
		new.Licenses = append(new.Licenses, usersfile.License{Name: name, PricePerUser: &newPrice})
	}
	for i := range n {
		u := usersfile.User{
			ID:             fmt.Sprintf("%08d", i),
			Email:          fmt.Sprintf("user%08d@example.com", i),
			FirstName:      "First",
			LastName:       fmt.Sprintf("Last%d", i%1000),
			Status:         usersfile.StatusActive,
			ExternalStatus: "Active",
			Roles:          []string{"Member"},
			LastUsedDate:   fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
		}
		nu := u
		p := r.IntN(100)
		switch {
		case p == 0:
			old.Users = append(old.Users, u) // removed
			continue
		case p == 1:
			new.Users = append(new.Users, nu) // added
			continue
		case p == 2:
			nu.Status = usersfile.StatusDeleted
		case p < 5:
			nu.LastUsedDate = "2025-12-31"
		}
		old.Users = append(old.Users, u)
		new.Users = append(new.Users, nu)
		l := i % len(licenses)
		seat := usersfile.LicenseUser{Email: u.Email, LicenseStatus: usersfile.LicenseStatusActive, LastUsedDate: u.LastUsedDate}
		old.Licenses[l].Users = append(old.Licenses[l].Users, seat)
		newSeat := seat
		newSeat.LastUsedDate = nu.LastUsedDate
		switch r.IntN(100) {
		case 0: // the seat is removed
		case 1: // and another assigned
			new.Licenses[(l+1)%len(licenses)].Users = append(new.Licenses[(l+1)%len(licenses)].Users, newSeat)
			new.Licenses[l].Users = append(new.Licenses[l].Users, newSeat)
		default:
			new.Licenses[l].Users = append(new.Licenses[l].Users, newSeat)
		}
	}
	old.Sort()
	new.Sort()
	return old, new
}
