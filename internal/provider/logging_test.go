package provider

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/swr-iac/terraform-provider-swr/internal/client"
)

const leakySecret = "s3cr3t-echoed-by-the-server"

// A secret that reaches a log entry of the API subsystem, in its message or in a
// field (a server may echo the token in its request id), is masked.
func TestAPILogging_MasksASecretThatReachesTheLog(t *testing.T) {
	var out bytes.Buffer
	ctx := withAPILogging(tflogtest.RootLogger(context.Background(), &out), []string{leakySecret})
	tfLogger{}.Debug(ctx, "SWR API request for "+leakySecret, map[string]any{"request_id": "req-" + leakySecret, "attempt": int32(1)})
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil || len(entries) != 1 {
		t.Fatalf("%d log entries (%v), want 1: %s", len(entries), err, out.String())
	}
	e := entries[0]
	if e["@message"] != "SWR API request for ***" || e["request_id"] != "req-***" || e["@module"] != "provider."+logSubsystem {
		t.Fatalf("entry %v, want the secret masked in the message and the field", e)
	}
}

// A secret in a read's diagnostic (the server's message and request id are quoted
// there) is masked too.
func TestReadDiagnostic_MasksASecretThatReachesIt(t *testing.T) {
	c, err := client.New(client.Config{Region: "ap-southeast-1", Credentials: client.Credentials{Token: leakySecret}})
	if err != nil {
		t.Fatal(err)
	}
	read := &apiRead{client: c, secrets: []string{leakySecret}}
	apiErr := &client.APIError{Service: client.ServiceSWR, StatusCode: 500, Attempts: 1, Method: "GET", URL: "https://swr.example/tasks",
		Code: "SWR.0500", Message: "token " + leakySecret + " broke us", RequestID: "req-" + leakySecret}
	d := read.failed(context.Background(), apiErr, "retention execution tasks", "instance_id")
	text := d.Summary() + "\n" + d.Detail()
	if strings.Contains(text, leakySecret) || !strings.Contains(text, "token *** broke us") || !strings.Contains(text, "req-***") {
		t.Fatalf("diagnostic %q: want the secret masked where the server quoted it", text)
	}
	if d := read.failed(context.Background(), errors.New("plain"), "x", "y"); d.Detail() != "plain" {
		t.Fatalf("a diagnostic without a secret changed: %q", d.Detail())
	}
}
