package sqlstore

import (
	"encoding/json"

	"github.com/seminarkit/seminar"
)

// The JSON forms of speakers and links. Their keys are part of both stores'
// schemas, so they are spelled here and do not follow the Go field names.
type (
	personJSON struct {
		Name        string `json:"name"`
		Affiliation string `json:"affiliation,omitempty"`
		Email       string `json:"email,omitempty"`
		URL         string `json:"url,omitempty"`
		PhotoURL    string `json:"photoUrl,omitempty"`
		Bio         string `json:"bio,omitempty"`
	}
	linkJSON struct {
		Label string `json:"label,omitempty"`
		URL   string `json:"url"`
	}
)

// EncodeList encodes a list column as JSON text, or nil (SQL NULL) for a
// nil list, so that nil comes back as nil and empty as empty. The text is a
// string, which a TEXT column (SQLite's STRICT tables refuse a BLOB there)
// and a jsonb column both take.
func EncodeList[T any](list []T) any {
	if list == nil {
		return nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		panic(err) // strings, numbers and structs of strings always encode
	}
	return string(b)
}

// EncodePeople encodes speakers for a list column, as EncodeList does, with
// the schema's keys.
func EncodePeople(people []seminar.Person) any {
	if people == nil {
		return nil
	}
	list := make([]personJSON, len(people))
	for i, p := range people {
		list[i] = personJSON(p)
	}
	return EncodeList(list)
}

// EncodeLinks encodes links for a list column, as EncodeList does, with the
// schema's keys.
func EncodeLinks(links []seminar.Link) any {
	if links == nil {
		return nil
	}
	list := make([]linkJSON, len(links))
	for i, l := range links {
		list[i] = linkJSON(l)
	}
	return EncodeList(list)
}
