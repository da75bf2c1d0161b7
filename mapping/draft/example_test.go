package draft_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/torii-transform/torii-transform/mapping/draft"
	"github.com/torii-transform/torii-transform/readers"
	"github.com/torii-transform/torii-transform/record"
)

func ExampleMapping() {
	h := record.NewHeader("acme.csv", "", 1, []string{"Login", "Full name", "State"})
	var sample []*record.Record
	for i, v := range [][]string{
		{"ada@example.com", "Ada Lovelace", "Active"},
		{"grace@example.com", "Grace Hopper", "Disabled"},
	} {
		sample = append(sample, &record.Record{Header: h, Values: v, Line: i + 2})
	}
	text, err := draft.Mapping(h, sample, draft.Options{Name: "acme", Source: "acme.csv", Input: readers.Options{Format: readers.FormatCSV, Delimiter: ','}})
	if err != nil {
		log.Fatal(err)
	}
	// The user section, as drafted:
	_, user, _ := strings.Cut(string(text), "\nuser:\n")
	user, _, _ = strings.Cut(user, "\n\n")
	fmt.Println(user)
	// Output:
	//   email: email(row.Login)
	//   firstName: words[0]  # CONFIRM: split from Full name
	//   lastName: join(words[1:], " ")  # CONFIRM
	//   status: status(row.State)
	//   externalStatus: row.State
}
