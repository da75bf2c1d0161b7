package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// seed makes the exports deterministic: the same -rows gives the same bytes.
const seed = 20250304

// header is the export's 10 columns, as an office suite's admin console writes them.
var header = []string{"User ID", "Email", "First Name", "Last Name", "Status", "Role", "Department", "Last Login", "Licenses", "Add-on Cost"}

var (
	firstNames = strings.Fields("Ada Alan Grace Katherine Margaret Dorothy Hedy Barbara Frances Edsger Donald Ken Dennis Bjarne Guido Linus Tim Vint Radia Shafi Leslie John Mary Anita Jean Kathleen Evelyn Betty Marlyn Ruth Adele Lynn Sophie Claude Niklaus Tony Robin Fran Juris Butler Sally Ivan Marvin Herbert Alonzo Haskell Kurt Emmy Sofia Mateo Aisha Wei Yuki Olga Pierre Lucia Omar Priya Chen Ingrid")
	lastNames  = strings.Fields("Lovelace Turing Hopper Johnson Hamilton Vaughan Lamarr Liskov Allen Dijkstra Knuth Thompson Ritchie Stroustrup Rossum Torvalds Berners-Lee Cerf Perlman Goldwasser Lamport McCarthy Keller Borg Sammet Booth Boyce Holberton Wescoff Teitelbaum Goldberg Conway Wilson Shannon Wirth Hoare Milner Fitzgerald Hartmanis Lampson Floyd Sutherland Minsky Simon Church Curry Godel Noether Kovalevskaya Garcia Khan Zhang Tanaka Petrova Dubois Rossi Haddad Patel Lindqvist")
	domains    = []string{"contoso.com", "fabrikam.io", "northwind.example", "adventure-works.com", "tailspin.co.uk"}
	depts      = []string{"Engineering", "Sales, EMEA", "Sales, Americas", "Marketing", "Finance", "Support", "R&D", "Legal", "People Ops", "IT"}
	products   = []string{"E3", "E5", "Power BI Pro", "Visio Plan 2", "Project Plan 3", "Teams Phone"}
	costs      = []string{"$0.00", "$4.00", "$12.50", "$1,234.00", "$99.99", "$7.25"}
)

// person is what stays the same on every row of one person.
type person struct {
	id, email, first, last string
}

func personOf(p int) person {
	r := rand.New(rand.NewPCG(seed, uint64(p)))
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	if r.IntN(100) == 0 {
		last += ", PhD" // a quoted comma in the CSV
	}
	local := strings.ToLower(first) + "." + strings.ToLower(strings.TrimSuffix(last, ", PhD")) + strconv.Itoa(p)
	return person{
		id:    fmt.Sprintf("U%07d", p),
		email: local + "@" + domains[r.IntN(len(domains))],
		first: first,
		last:  last,
	}
}

// record is one row of the export; LastLogin is nil when the person never signed in.
type record struct {
	UserID     string  `json:"User ID"`
	Email      string  `json:"Email"`
	First      string  `json:"First Name"`
	Last       string  `json:"Last Name"`
	Status     string  `json:"Status"`
	Role       string  `json:"Role"`
	Department string  `json:"Department"`
	LastLogin  *string `json:"Last Login"`
	Licenses   string  `json:"Licenses"`
	AddOn      string  `json:"Add-on Cost"`
	lastLogin  time.Time
	isoLogin   bool
}

func (r *record) values() []string {
	ll := ""
	if r.LastLogin != nil {
		ll = *r.LastLogin
	}
	return []string{r.UserID, r.Email, r.First, r.Last, r.Status, r.Role, r.Department, ll, r.Licenses, r.AddOn}
}

// records yields the export's rows: about 20% of them repeat a person of an earlier row
// (another license, another sign-in, the email written in another case).
func records(n int, yield func(*record) error) error {
	r := rand.New(rand.NewPCG(seed, 0))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	people := 0
	var rec record
	for i := range n {
		p := people
		if people > 0 && r.IntN(5) == 0 {
			p = r.IntN(people)
		} else {
			people++
		}
		who := personOf(p)
		email := who.email
		switch k := r.IntN(10); {
		case k < 2:
			local, dom, _ := strings.Cut(email, "@")
			email = strings.ToUpper(local[:1]) + local[1:] + "@" + strings.ToUpper(dom[:1]) + dom[1:]
		case k == 2:
			email = " " + email + " "
		}
		rec = record{UserID: who.id, Email: email, First: who.first, Last: who.last}
		switch k := r.IntN(100); {
		case k < 80:
			rec.Status = "Active"
		case k < 85:
			rec.Status = "Invited"
		case k < 95:
			rec.Status = "Suspended"
		default:
			rec.Status = "Deactivated"
		}
		switch k := r.IntN(100); {
		case k < 85:
			rec.Role = "Member"
		case k < 95:
			rec.Role = "Admin"
		case k < 99:
			rec.Role = "Guest"
		default:
			rec.Role = "Service Account"
		}
		rec.Department = depts[r.IntN(len(depts))]
		if k := r.IntN(100); k < 90 {
			t := base.Add(time.Duration(r.IntN(420*24*60)) * time.Minute)
			rec.lastLogin = t
			var s string
			if rec.isoLogin = k < 45; rec.isoLogin {
				s = t.Format("2006-01-02T15:04:05Z")
			} else {
				s = t.Format("1/2/2006 3:04 PM")
			}
			rec.LastLogin = &s
		}
		if r.IntN(20) != 0 {
			var names []string
			for range 1 + r.IntN(3) {
				names = append(names, products[r.IntN(len(products))])
			}
			sep := "+"
			if r.IntN(3) == 0 {
				sep = "; "
			}
			rec.Licenses = strings.Join(names, sep)
		}
		if r.IntN(10) < 4 {
			rec.AddOn = costs[r.IntN(len(costs))]
		}
		_ = i
		if err := yield(&rec); err != nil {
			return err
		}
	}
	return nil
}

// writeCSV writes n rows as a console does: a UTF-8 byte-order mark, CRLF line ends,
// fields quoted only when they need it.
func writeCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	if err := w.Write(header); err != nil {
		return err
	}
	if err := records(n, func(r *record) error { return w.Write(r.values()) }); err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// writeNDJSON writes the same records as JSON Lines, as an API export does: a null
// "Last Login" for people who never signed in.
func writeNDJSON(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := records(n, func(r *record) error { return enc.Encode(r) }); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// writeXLSX writes the first n records as a workbook: ISO sign-ins as date cells, the
// others as the console's text, costs as numbers.
func writeXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd hh:mm:ss"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	row := 1
	err = records(n, func(r *record) error {
		row++
		vals := r.values()
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = v
		}
		if r.LastLogin != nil && r.isoLogin {
			cells[7] = excelize.Cell{StyleID: dateStyle, Value: r.lastLogin}
		}
		if r.AddOn != "" {
			c, _ := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "").Replace(r.AddOn), 64)
			cells[9] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// mapping is the representative mapping: email normalisation, names, a status table,
// dates in two layouts, a license column split into several names, cents, a skip rule,
// and rows of the same person merged. The same mapping reads the CSV, the NDJSON and the
// XLSX export, whose records have the same keys.
const benchMapping = `# Generated by bench/convert: an office suite's users export.
version: 1
name: bench-office-suite
description: Office suite users export (generated by bench/convert)

statuses:
  active: [Active, Invited]
  deleted: [Suspended, Deactivated]

skip:
  - when: row.Role == "Service Account"
    reason: service accounts are not people

let:
  lastLogin: date(row["Last Login"], "iso", "1/2/2006 3:04 PM")
  addOn: cents(row["Add-on Cost"])

user:
  email: email(row.Email)
  id: row["User ID"]
  firstName: row["First Name"]
  lastName: row["Last Name"]
  status: status(row.Status)
  externalStatus: row.Status
  roles: row.Role
  lastUsedDate: lastLogin

licenses:
  - names: list(row.Licenses, "+", ";")
    lastUsedDate: lastLogin
  - name: Premium Support
    when: (addOn ?? 0) > 0
    price: $12.50

catalog:
  E3:
    price: $36.00
    unassignedAmount: 120
  E5:
    price: $57.00
  Power BI Pro:
    price: $10.00
  Visio Plan 2:
    price: $15.00
  Project Plan 3:
    price: $30.00
  Teams Phone:
    price: $8.00
`
