package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Bench execution served by FakeOptions.Tasks (as cmd/swr-fake -tasks serves it).
var BenchExecution = fakeapi.ExecutionKey{InstanceID: "ins-bench", Namespace: "bench", PolicyID: 1, ExecutionID: 1}

// FakeOptions says what the in-process fake serves.
type FakeOptions struct {
	Sample  bool          // the sample data (fakeapi.SeedSample)
	Tasks   int           // > 0: BenchExecution holding that many generated tasks
	Latency time.Duration // added to every request
	// Account, when set (Instances > 0), adds a generated account (fakeapi.Generate).
	Account fakeapi.AccountSpec
	// AsOf lists the data as of this instant (fakeapi.SetAsOf): time.Now() makes the
	// sample's runs of yesterday run yesterday. The zero time lists it as stored.
	AsOf time.Time
}

// Fake is the fake SWR and IAM API served in this process on 127.0.0.1, accepting
// one random X-Auth-Token.
type Fake struct {
	*fakeapi.Server
	URL   string // http://127.0.0.1:port
	Token string
	srv   *http.Server
}

// StartFake serves a new fake on a free loopback port. Close stops it.
func StartFake(o FakeOptions) (*Fake, error) {
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	s := fakeapi.New(fakeapi.Config{Tokens: []string{token}})
	if o.Sample {
		s.SeedSample()
	}
	if o.Tasks > 0 {
		s.SetTasks(BenchExecution, fakeapi.GenerateTasks(BenchExecution.ExecutionID, o.Tasks, 1))
	}
	if o.Account.Instances > 0 {
		if err := s.Generate(o.Account); err != nil {
			return nil, err
		}
	}
	s.SetAsOf(o.AsOf)
	s.SetLatency(o.Latency)
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(discard{}, "", 0),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("fake API: %v", err)
		}
	}()
	return &Fake{Server: s, URL: "http://" + ln.Addr().String(), Token: token, srv: srv}, nil
}

// Close stops the fake, releasing any request it holds.
func (f *Fake) Close() {
	f.ReleaseWaiting()
	_ = f.srv.Close()
}

func randomToken() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return "e2e-" + hex.EncodeToString(b), nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
