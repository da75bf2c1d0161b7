package usersfile

import _ "embed"

// JSONSchema is a JSON Schema (draft 2020-12) of the users file, for editors and other
// tools. It expresses the rules of Validate that JSON Schema can: types, required fields,
// enums, patterns, no unknown fields, at least one user, whole non-negative numbers, and
// calendar dates where a tool asserts "format". The rest (uniqueness, license users among
// the users, at least one valid user) only Validate checks. Callers must not modify it.
//
//go:embed users-file.schema.json
var JSONSchema []byte
