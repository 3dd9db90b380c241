package main

import (
	"io"
	"testing"
)

// The misbehaviour flags are checked: a redirect goes only to loopback.
func TestParseFlags_Misbehaviours(t *testing.T) {
	for _, args := range [][]string{
		{"-redirect-to", "http://10.0.0.1:80"}, {"-redirect-to", "https://example.com"}, {"-redirect-to", "ftp://127.0.0.1"},
		{"-rotate-token-after", "-1"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-redirect-to", "http://127.0.0.1:9", "-rotate-token-after", "3", "-require-password",
		"-hang-first", "-junk-request-ids"}, io.Discard)
	if err != nil || o.redirectTo != "http://127.0.0.1:9" || o.rotateTokenAfter != 3 || !o.requirePassword || !o.hangFirst || !o.junkRequestIDs {
		t.Fatalf("%+v %v", o, err)
	}
}
