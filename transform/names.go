package transform

import (
	"strings"

	"github.com/expr-lang/expr/builtin"

	"github.com/torii-transform/torii-transform/diag"
)

// misspeltFunction returns the function (a helper or one of expr's builtins) that the
// name in expr's message "unknown name NAME" is probably a misspelling of, or "".
func misspeltFunction(msg string) string {
	name, ok := strings.CutPrefix(msg, "unknown name ")
	if !ok {
		return ""
	}
	names := make([]string, 0, len(helpers)+len(builtin.Names))
	for _, h := range helpers {
		names = append(names, h.name)
	}
	names = append(names, builtin.Names...)
	return diag.Suggest(name, names)
}
