package sqlstore

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/seminarkit/seminar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// agree checks that when parse accepts data it reads what encoding/json
// reads, and that decode (parse with its fallback) reads what
// encoding/json reads or fails where it fails.
func agree[T any](t *testing.T, data []byte, elem func(*lexer) (T, bool), decode func([]byte) ([]T, error)) {
	t.Helper()
	want, wantErr := unmarshalList[T](data)
	if got, ok := parseArray(data, elem); ok {
		require.NoError(t, wantErr, "the fast parser accepted %q, which encoding/json rejects", data)
		require.Equal(t, want, got, "the fast parser read %q differently from encoding/json", data)
	}
	got, err := decode(data)
	if wantErr != nil {
		require.Error(t, err, "decoding %q must fail as encoding/json does", data)
		return
	}
	require.NoError(t, err, "decoding %q", data)
	require.Equal(t, want, got, "decoding %q", data)
}

func agreeAll(t *testing.T, data []byte) {
	t.Helper()
	agree(t, data, (*lexer).str, DecodeStrings)
	agree(t, data, durationElem, DecodeDurations)
	agree(t, data, personElem, DecodePeople)
	agree(t, data, linkElem, DecodeLinks)
}

var listSeeds = []string{
	`[]`, ` [ ] `, `null`, ``, `[`, `]`, `[,]`, `[1,]`, `["a",]`,
	`["a","b"]`, "[\"caf\u00e9\", \"\u6771\u4eac\"]", `["\u00e9\u2028\u0000\n\t\"\\\/\b\f\r"]`,
	`["\ud83c\udf89"]`, `["\ud83c"]`, `["\udf89x"]`, `["\u12"]`, `["\u+123"]`, `["\x"]`,
	"[\"raw\x01control\"]", "[\"bad \xff utf8\"]", `[null]`, `[1, -2, 0, -0, 604800000000000]`,
	`[01]`, `[1.5]`, `[1e3]`, `[-]`, `[9223372036854775808]`, `["1h"]`,
	`[{"name":"Zoë","affiliation":"ETH","email":"z@example.org","url":"https://x","photoUrl":"https://y","bio":"b"}]`,
	`[{"name":"a","name":"b"}]`, `[{"Name":"case"}]`, `[{"name":null}]`, `[{"name":"a","extra":1}]`, `[{}]`,
	`[{"na\u006de":"escaped key"}]`, `[{"name" : "spaces" , "bio" : "x" }]`, `[{"label":"arXiv","url":"https://arxiv.org"}]`,
	`[{"url":"u"}, {"label":"l"}]`, `[{"name":"a"}`, `[{"name":"a"]`, `[{"name":"a",}]`,
}

func TestListParsers_AgreeWithEncodingJSON(t *testing.T) {
	for _, s := range listSeeds {
		agreeAll(t, []byte(s))
	}
}

func TestListParsers_ReadWhatTheStoreWrites(t *testing.T) {
	// Every escape json.Marshal writes: quotes, controls, HTML, U+2028.
	text := "Zoë \"Z\" <Å> & line\nbreak\u2028\x00\x1f 🎉"
	check := func(data any, ok bool) {
		t.Helper()
		assert.True(t, ok, "the fast parser must read %s, which the store wrote", data)
	}
	data := EncodeList([]personJSON{{Name: text, Affiliation: text, Email: text, URL: text, PhotoURL: text, Bio: text}, {}})
	_, ok := parseArray([]byte(data.(string)), personElem)
	check(data, ok)
	data = EncodeList([]linkJSON{{Label: text, URL: text}, {}})
	_, ok = parseArray([]byte(data.(string)), linkElem)
	check(data, ok)
	data = EncodeList([]string{"", text})
	_, ok = parseArray([]byte(data.(string)), (*lexer).str)
	check(data, ok)
	data = EncodeList([]time.Duration{time.Nanosecond, 90 * 24 * time.Hour, -1, 0})
	_, ok = parseArray([]byte(data.(string)), durationElem)
	check(data, ok)
}

func FuzzListParsers(f *testing.F) {
	for _, s := range listSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agreeAll(t, data)
	})
}

func FuzzListParsers_RoundTrip(f *testing.F) {
	f.Add("a", "b\n\"c\"", int64(1))
	f.Add("\xff", "\u2028", int64(-5))
	f.Fuzz(func(t *testing.T, a, b string, n int64) {
		data, err := json.Marshal([]personJSON{{Name: a, Bio: b}, {Email: b}})
		require.NoError(t, err)
		got, ok := parseArray(data, personElem)
		require.True(t, ok, "the fast parser must read what json.Marshal wrote: %s", data)
		want, err := unmarshalList[seminar.Person](data)
		require.NoError(t, err)
		require.Equal(t, want, got)

		data, err = json.Marshal([]time.Duration{time.Duration(n)})
		require.NoError(t, err)
		ds, ok := parseArray(data, durationElem)
		require.True(t, ok, "the fast parser must read what json.Marshal wrote: %s", data)
		require.Equal(t, []time.Duration{time.Duration(n)}, ds)
	})
}
