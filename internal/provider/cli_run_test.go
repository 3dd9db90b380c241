package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// cliWorkdir runs the CLI under test (TF_ACC_TERRAFORM_PATH) on one configuration
// with the provider served in-process and reattached, as the plugin-testing
// harness does, but one CLI command at a time: a test can then count what one
// plan sends, and a configuration may declare its own required_providers
// (source swr-iac/swr, which the harness's tofu namespace would not match).
type cliWorkdir struct {
	t   *testing.T
	dir string
	env []string
}

// newCLIWorkdir writes src as main.tf in a temporary directory, serves the
// provider for both registries' addresses of swr-iac/swr and runs init. It skips
// the test unless TF_ACC and TF_ACC_TERRAFORM_PATH are set. vars become TF_VAR_*.
func newCLIWorkdir(t *testing.T, src string, vars map[string]string) *cliWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	rcFile := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rcFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve("registry.terraform.io/swr-iac/swr",
			func() tfprotov6.ProviderServer { return providerserver.NewProtocol6(New("test")())() },
			tf6server.WithDebug(ctx, reattachCh, closeCh), tf6server.WithoutLogStderrOverride(), tf6server.WithLoggingSink(t),
			// go-plugin's own chatter (addresses, EOFs), not the provider's logs.
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard})))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattachCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	t.Cleanup(func() { cancel(); <-closeCh })
	type addr struct{ Network, String string }
	type reattach struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	r := reattach{Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Pid: rc.Pid, Test: true,
		Addr: addr{Network: rc.Addr.Network(), String: rc.Addr.String()}}
	info, _ := json.Marshal(map[string]reattach{
		"registry.terraform.io/swr-iac/swr": r,
		"registry.opentofu.org/swr-iac/swr": r,
	})

	w := &cliWorkdir{t: t, dir: dir}
	w.env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(info), "TF_CLI_CONFIG_FILE="+rcFile,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_DATA_DIR="+filepath.Join(dir, ".terraform"))
	for k, v := range vars {
		w.env = append(w.env, "TF_VAR_"+k+"="+v)
	}
	w.run("init", "-backend=false")
	return w
}

// run runs one CLI command with -no-color and returns its standard output; a
// failure fails the test with both outputs.
func (w *cliWorkdir) run(args ...string) string {
	w.t.Helper()
	stdout, stderr, err := w.try(args...)
	if err != nil {
		w.t.Fatalf("%s %v: %v\n%s\n%s", filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), args, err, stdout, stderr)
	}
	return stdout
}

// try runs one CLI command with -no-color and returns both outputs and how it
// ended, for a test that expects a command to fail.
func (w *cliWorkdir) try(args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), append(args, "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// outputs are the root module's outputs after an apply, as JSON values.
func (w *cliWorkdir) outputs() map[string]json.RawMessage {
	w.t.Helper()
	var out map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(w.run("output", "-json")), &out); err != nil {
		w.t.Fatal(err)
	}
	values := make(map[string]json.RawMessage, len(out))
	for k, v := range out {
		values[k] = v.Value
	}
	return values
}
