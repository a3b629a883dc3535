package servertest

import "net/http"

// TemplateID is the ID of the built-in approval template with builtinKey
// ("leave", "expense", ...) as the holder of token sees the list; the test
// fails when there is none.
func (e *Env) TemplateID(token, builtinKey string) string {
	e.T.Helper()
	var tpls struct {
		Items []struct {
			ID         string `json:"id"`
			BuiltinKey string `json:"builtin_key"`
		} `json:"items"`
	}
	e.Must(http.StatusOK, "GET", "/api/v1/approval/templates", token, nil).JSON(e.T, &tpls)
	for _, tp := range tpls.Items {
		if tp.BuiltinKey == builtinKey {
			return tp.ID
		}
	}
	e.T.Fatalf("no built-in approval template %q", builtinKey)
	return ""
}
