package main

import (
	"reflect"
	"testing"
)

func TestFuzzTargets(t *testing.T) {
	out := []byte(`FuzzDecodePage
FuzzPagerSequences
ok  	example.com/m/internal/client	0.008s
?   	example.com/m/internal/e2e/docsgen	[no test files]
FuzzServe
ok  	example.com/m/internal/fakeapi	0.005s
ok  	example.com/m/internal/provider	0.035s
`)
	want := []fuzzTarget{
		{"example.com/m/internal/client", "FuzzDecodePage"},
		{"example.com/m/internal/client", "FuzzPagerSequences"},
		{"example.com/m/internal/fakeapi", "FuzzServe"},
	}
	if got := fuzzTargets(out); !reflect.DeepEqual(got, want) {
		t.Errorf("fuzzTargets = %v, want %v", got, want)
	}
}
