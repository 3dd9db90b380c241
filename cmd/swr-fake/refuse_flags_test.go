package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// -refuse-after N -refuse-for D: the N-th API request is answered, then the
// port refuses connections, and listens again on the same port afterwards.
func TestRefuseFlags(t *testing.T) {
	for _, args := range [][]string{{"-refuse-after", "2"}, {"-refuse-for", "1s"}, {"-refuse-after", "-1", "-refuse-for", "1s"}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	o, err := parseFlags([]string{"-refuse-after", "2", "-refuse-for", "1h", "-token", "t"}, io.Discard)
	if err != nil || o.refuseAfter != 2 || o.refuseFor != time.Hour {
		t.Fatalf("%+v %v", o, err)
	}
	fake, err := newFake(o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	srv, ln := newHTTPServer(fake, ln)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	instances := "http://" + addr + "/v2/" + fakeapi.DefaultProjectID + "/instances"
	for i := 1; i <= 2; i++ {
		if status, _ := get(t, instances); status != http.StatusOK {
			t.Fatalf("request %d: %d", i, status)
		}
		if refusing := fake.Refusing(); refusing != (i == 2) {
			t.Fatalf("after request %d: refusing %v", i, refusing)
		}
	}
	if _, err := net.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial while refusing: %v, want connection refused", err)
	}
	if err := fake.ListenAgain(); err != nil { // the test's end of the hour
		t.Fatal(err)
	}
	if status, _ := get(t, instances); status != http.StatusOK {
		t.Fatalf("after the window: %d", status)
	}
}
