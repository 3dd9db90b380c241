package client

import (
	"bytes"
	"encoding/json"
	"testing"
)

// duplicateKeyByTokens is the slow reference of duplicateKey: json.Decoder.Token
// over the whole value, keys compared as encoding/json matches them.
func duplicateKeyByTokens(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			var keys []string
			dup := false
			for dec.More() {
				k, _ := dec.Token()
				key, _ := k.(string)
				for _, seen := range keys {
					dup = dup || bytes.EqualFold([]byte(seen), []byte(key))
				}
				keys = append(keys, key)
				dup = walk() || dup
			}
			_, _ = dec.Token()
			return dup
		case json.Delim('['):
			dup := false
			for dec.More() {
				dup = walk() || dup
			}
			_, _ = dec.Token()
			return dup
		}
		return false
	}
	return walk()
}

// duplicateKey finds a duplicate in valid JSON exactly when the reference does.
func FuzzDuplicateKey(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":2}`, `{"a":1,"a":2}`, `{"a":1,"A":2}`, `{"\u0061":1,"a":2}`, `{"a\"":1,"a":2}`,
		`[{"x":{"y":[1,{"z":1,"z":2}]}}]`, `{"k":"\"}","k2":"{\"k\":1}"}`, ` { "a" : [ ] , "b" : { } } `,
		`{"ſ":1,"S":2}`, `{"K":1,"k":2}`, `{"é":1,"É":2}`, `"str"`, `[1,2,3]`, `{"a":{"a":{"a":1}}}`,
		`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"K3":0}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		got := duplicateKey(data) != nil
		if want := duplicateKeyByTokens(data); got != want {
			t.Fatalf("%q: duplicateKey says %v, the token walk %v", data, got, want)
		}
	})
}
