package transform_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/torii-transform/torii-transform/mapping"
	"github.com/torii-transform/torii-transform/transform"
)

func ExampleConvert() {
	m, err := mapping.Load("mapping.yaml", []byte(`version: 1
user:
  email: email(row.Email)
  firstName: row.Name
  status: status(row.State)
licenses:
  - names: list(row.Plan, "+")
statuses:
  active: [Active]
  deleted: [Suspended]
catalog:
  Pro:
    price: $12.50
`))
	if err != nil {
		log.Fatal(err)
	}
	export := "Email,Name,State,Plan\nAda@Example.com,Ada,Active,Pro\ngrace@example.com,Grace,Suspended,Pro + Team\n"
	res, in, err := transform.Convert(transform.Job{Mapping: m, Export: strings.NewReader(export), Name: "export.csv"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%s): %d users, %d licenses\n", in.Name, in.Describe(), res.Stats.Users, res.Stats.Licenses)
	if err := res.Encode(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// export.csv (csv, delimiter ",", utf-8): 2 users, 2 licenses
	// {
	//   "users": [
	//     {
	//       "email": "ada@example.com",
	//       "firstName": "Ada",
	//       "status": "active"
	//     },
	//     {
	//       "email": "grace@example.com",
	//       "firstName": "Grace",
	//       "status": "deleted"
	//     }
	//   ],
	//   "licenses": [
	//     {
	//       "name": "Pro",
	//       "pricePerUser": 1250,
	//       "users": [
	//         {
	//           "email": "ada@example.com",
	//           "licenseStatus": "active"
	//         },
	//         {
	//           "email": "grace@example.com",
	//           "licenseStatus": "deleted"
	//         }
	//       ]
	//     },
	//     {
	//       "name": "Team",
	//       "users": [
	//         {
	//           "email": "grace@example.com",
	//           "licenseStatus": "deleted"
	//         }
	//       ]
	//     }
	//   ]
	// }
}
