package readers_test

import (
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/torii-transform/torii-transform/readers"
)

func ExampleOpen() {
	export := "\ufeffEmail;Licenses\r\nada@example.com;\"Pro, Admin\"\r\n"
	in, err := readers.Open(strings.NewReader(export), "export.csv", readers.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	fmt.Printf("%s, delimiter %q, %s\n", in.Format, in.Delimiter, in.Header.Names)
	for {
		rec, err := in.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Line, rec.Values)
	}
	// Output:
	// csv, delimiter ';', [Email Licenses]
	// 2 [ada@example.com Pro, Admin]
}

func ExampleOptions_Apply() {
	fromMapping := readers.Options{Delimiter: ';', SkipRows: 2}
	skip, _ := readers.SettingByKey("skipRows")
	opt, err := fromMapping.Apply([]readers.Override{{Setting: skip, Value: "0"}})
	fmt.Println(opt.SkipRows, string(opt.Delimiter), err)
	_, err = fromMapping.Apply([]readers.Override{{Setting: skip, Value: "two"}})
	fmt.Println(err)
	// Output:
	// 0 ; <nil>
	// --skip-rows: want a whole number of rows, got "two"
}
