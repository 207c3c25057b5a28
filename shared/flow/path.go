package flow

import (
	"fmt"
	"strings"
)

// parsePath reads the JSONPath subset flows use: $ or $.name.name…, names
// of letters, digits and _.
func parsePath(p string) ([]string, error) {
	if p == "$" {
		return nil, nil
	}
	rest, ok := strings.CutPrefix(p, "$.")
	if !ok {
		return nil, fmt.Errorf("path %q: flows use $ or $.field.field", p)
	}
	fields := strings.Split(rest, ".")
	for _, f := range fields {
		if f == "" {
			return nil, fmt.Errorf("path %q has an empty field", p)
		}
		for _, c := range f {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				return nil, fmt.Errorf("path %q: fields are letters, digits and _", p)
			}
		}
	}
	return fields, nil
}

// get reads the value at path p of v (JSON-decoded: map[string]any, []any,
// string, float64, bool, nil). A missing field is an error, as in ASL.
func get(v any, p string) (any, error) {
	if p == "" {
		return v, nil
	}
	fields, err := parsePath(p)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, &Error{Name: "States.Runtime", Cause: fmt.Sprintf("path %s: %q is not inside an object", p, f)}
		}
		if v, ok = m[f]; !ok {
			return nil, &Error{Name: "States.Runtime", Cause: fmt.Sprintf("path %s: no field %q", p, f)}
		}
	}
	return v, nil
}

// put returns v with result placed at path p: $ replaces v, Discard keeps
// it, $.a.b sets the field (creating objects on the way) in a copy of v.
func put(v any, p string, result any) (any, error) {
	switch p {
	case "", "$":
		return result, nil
	case Discard:
		return v, nil
	}
	fields, err := parsePath(p)
	if err != nil {
		return nil, err
	}
	return putFields(v, fields, result, p)
}

func putFields(v any, fields []string, result any, p string) (any, error) {
	if len(fields) == 0 {
		return result, nil
	}
	var m map[string]any
	switch x := v.(type) {
	case map[string]any:
		m = make(map[string]any, len(x)+1)
		for k, e := range x {
			m[k] = e
		}
	case nil:
		m = map[string]any{}
	default:
		return nil, &Error{Name: "States.Runtime", Cause: fmt.Sprintf("result path %s: the input is not an object there", p)}
	}
	sub, err := putFields(m[fields[0]], fields[1:], result, p)
	if err != nil {
		return nil, err
	}
	m[fields[0]] = sub
	return m, nil
}
