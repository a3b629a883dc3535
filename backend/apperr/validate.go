package apperr

// Validator collects field errors so a request is checked whole before any
// write, and the user sees every problem at once.
type Validator struct {
	fields map[string]string
}

// Check records key for field when ok is false. The first failure of a field wins.
func (v *Validator) Check(ok bool, field, key string) {
	if ok {
		return
	}
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, seen := v.fields[field]; !seen {
		v.fields[field] = key
	}
}

// Valid reports whether no check failed.
func (v *Validator) Valid() bool { return len(v.fields) == 0 }

// Err returns nil when valid, else an Invalid error with key, msg and the fields.
func (v *Validator) Err(key, msg string) error {
	if v.Valid() {
		return nil
	}
	e := Invalid(key, msg)
	e.Fields = v.fields
	return e
}
