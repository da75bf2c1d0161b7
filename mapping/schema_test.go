package mapping

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/torii-transform/torii-transform/readers"
)

// TestMappingSchema keeps mappings/mapping.schema.json, which editors use to check and
// complete mapping files, in step with the keys the loader accepts.
func TestMappingSchema(t *testing.T) {
	data, err := os.ReadFile("../mappings/mapping.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	type object struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		AdditionalProperties json.RawMessage            `json:"additionalProperties"`
		Items                json.RawMessage            `json:"items"`
	}
	var schema struct {
		object
		Defs map[string]object `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	props := func(o object) []string {
		var names []string
		for n := range o.Properties {
			names = append(names, n)
		}
		slices.Sort(names)
		return names
	}
	sub := func(raw json.RawMessage) object {
		var o object
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	var skip struct {
		OneOf []json.RawMessage `json:"oneOf"`
	}
	json.Unmarshal(sub(schema.Properties["skip"]).Items, &skip)
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for _, tt := range []struct {
		what           string
		schema, loader []string
	}{
		{"mapping", props(schema.object), keys.mapping},
		{"input", props(schema.Defs["input"]), sorted(readers.SettingKeys())},
		{"user", props(sub(schema.Properties["user"])), UserFields},
		{"licenses[]", props(sub(sub(schema.Properties["licenses"]).Items)), keys.license},
		{"catalog.*", props(sub(sub(schema.Properties["catalog"]).AdditionalProperties)), keys.catalog},
		{"lookups.*", props(sub(sub(schema.Properties["lookups"]).AdditionalProperties)), keys.lookup},
		{"fail[]", props(sub(sub(schema.Properties["fail"]).Items)), keys.fail},
		{"skip[]", props(sub(skip.OneOf[1])), keys.skip},
	} {
		if diff := cmp.Diff(sorted(tt.loader), tt.schema); diff != "" {
			t.Errorf("%s: the schema's keys differ from the loader's (-loader +schema):\n%s", tt.what, diff)
		}
	}
}
