package web

import (
	"encoding/json"
	"sort"
)

// A stale edit: the form was rendered at a Version that another edit has
// since moved past. The form carries the values it started with (orig), so
// the other edit's changes (orig → current) and the user's own (orig →
// posted) can be told apart and merged field by field.

// conflictChange is one field the other edit changed.
type conflictChange struct {
	Field         string
	Before, After string
	Both          bool   // the user changed it too
	Mine          string // the user's value, when Both
	FieldID       string
}

// conflictView is the conflict section of the form.
type conflictView struct {
	Changes []conflictChange
	Both    int
}

// merge returns the form to show after a conflict: the current values
// (theirs) with the user's changes re-applied, the other edit's changes, and
// the names of the fields both changed, where the user's value wins.
func merge(orig, theirs, mine formValues) (formValues, []string, map[string]bool) {
	names := map[string]bool{}
	for _, m := range []formValues{orig, theirs, mine} {
		for name := range m {
			names[name] = true
		}
	}
	merged := formValues{}
	var changed []string
	both := map[string]bool{}
	for name := range names {
		o, t, m := orig[name], theirs[name], mine[name]
		merged[name] = t
		if m != o {
			merged[name] = m
		}
		if t != o {
			changed = append(changed, name)
			if m != o && m != t {
				both[name] = true
			}
		}
		if merged[name] == "" {
			delete(merged, name)
		}
	}
	sort.Strings(changed)
	return merged, changed, both
}

// encodeOrig and decodeOrig carry a form's starting values in its hidden
// orig field. Its content is the user's own (a tampered one only changes
// how the user's own conflict is merged), so it is not signed.
func encodeOrig(v formValues) string {
	b, _ := json.Marshal(v) // a map of strings always marshals
	return string(b)
}

func decodeOrig(s string) (formValues, bool) {
	var v formValues
	if s == "" || json.Unmarshal([]byte(s), &v) != nil {
		return nil, false
	}
	return v, true
}

// conflictSection describes the other edit's changes, naming each field as
// the form does, in the form's order.
func conflictSection(sets []fieldset, orig, theirs, mine formValues, changed []string, both map[string]bool) *conflictView {
	order := map[string]int{}
	fields := map[string]formField{}
	for _, s := range sets {
		for _, f := range s.Fields {
			order[f.Name] = len(order)
			fields[f.Name] = f
		}
	}
	sort.SliceStable(changed, func(i, j int) bool { return rank(order, changed[i]) < rank(order, changed[j]) })
	c := &conflictView{}
	for _, name := range changed {
		f := fields[name]
		label := f.Full
		if label == "" {
			label = name
		}
		ch := conflictChange{Field: label, Before: f.shown(orig[name]), After: f.shown(theirs[name]), Both: both[name], FieldID: fieldID(name)}
		if ch.Both {
			ch.Mine = f.shown(mine[name])
			c.Both++
		}
		c.Changes = append(c.Changes, ch)
	}
	return c
}

func rank(order map[string]int, name string) int {
	if i, ok := order[name]; ok {
		return i
	}
	return len(order) // after the form's fields, in name order
}

// shown writes a value of f as the form shows it: a select's option by its
// label (the first option when empty, as a browser selects it), a
// checkbox as Yes or No.
func (f formField) shown(value string) string {
	switch {
	case len(f.Options) > 0:
		for _, o := range f.Options {
			if o.Value == value {
				return o.Label
			}
		}
		if value == "" {
			return f.Options[0].Label
		}
	case f.Type == "checkbox":
		if value == "" {
			return "No"
		}
		return "Yes"
	}
	return value
}
