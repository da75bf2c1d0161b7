package writers_test

import (
	"log"
	"os"

	"github.com/torii-transform/torii-transform/writers"
)

func ExampleErrorsReport() {
	rows := []writers.ReportRow{{Row: 3, Column: "=Status", Field: "user.status", Message: `unknown status "=HYPERLINK()"`}}
	if err := writers.ErrorsReport(os.Stdout, rows); err != nil {
		log.Fatal(err)
	}
	// Output:
	// row,column,field,message
	// 3,'=Status,user.status,"unknown status ""=HYPERLINK()"""
}
