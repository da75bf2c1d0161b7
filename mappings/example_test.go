package mappings_test

import (
	"fmt"
	"log"

	"github.com/torii-transform/torii-transform/mappings"
)

func ExampleOpen() {
	m, err := mappings.Open("slack")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mappings.IsBuiltin("slack"), mappings.IsBuiltin("slack.yaml"), m.File)
	// Output: true false mappings/slack.yaml
}
