package installtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/e2e/release"
)

// signingCase is the release signed in a way the registries or the CLIs may
// refuse: what the registry serves, and the words each CLI and the release
// check (release.Verify) say about it.
type signingCase struct {
	name, what string
	served     Served
	key        Key // the key in signing_keys
	// cliWords are each CLI's own words of refusal, by product; "" means that
	// CLI installs the release.
	cliWords map[string]string
	// checkWords are what the release check's refusal says.
	checkWords []string
}

// signingCases builds, once, the release with an ASCII-armoured signature by
// the release key (gpg --armor --detach-sign), and the release signed by an
// Ed25519 key, served with that key.
func (s *suite) signingCases(ctx context.Context) ([]signingCase, error) {
	if s.signings != nil {
		return s.signings, nil
	}
	sums := s.served.Files[s.served.Sums]
	armored, err := s.keys.ArmoredDetachSign(ctx, s.key, sums)
	if err != nil {
		return nil, err
	}
	byEd25519, err := s.keys.DetachSign(ctx, s.ed25519, sums)
	if err != nil {
		return nil, err
	}
	const notBinary = "openpgp: invalid data: tag byte does not have MSB set"
	armoredRelease := s.served.Clone()
	armoredRelease.Files[armoredRelease.Sig()] = armored
	edRelease := s.served.Clone()
	edRelease.Files[edRelease.Sig()] = byEd25519
	edRelease.Keys = []Key{s.ed25519}
	s.signings = []signingCase{
		{name: "armored", what: "an ASCII-armoured SHA256SUMS.sig (gpg --armor --detach-sign) by the release key",
			served: armoredRelease, key: s.key,
			cliWords:   map[string]string{e2e.Terraform: notBinary, e2e.OpenTofu: notBinary},
			checkWords: []string{"Terraform 1.5.7 (golang.org/x/crypto/openpgp) refuses it: error checking signature: " + notBinary, "it is ASCII-armoured"}},
		{name: "ed25519", what: fmt.Sprintf("a SHA256SUMS.sig by an Ed25519 key (%s, gpg's default type), that key in signing_keys", s.ed25519.ID()),
			served: edRelease, key: s.ed25519,
			// Terraform 1.5's golang.org/x/crypto/openpgp knows no EdDSA;
			// OpenTofu's ProtonMail/go-crypto does.
			cliWords: map[string]string{e2e.Terraform: "error decoding signing key: openpgp: unsupported feature: public key type: 22", e2e.OpenTofu: ""},
			checkWords: []string{"Terraform 1.5.7 (golang.org/x/crypto/openpgp) refuses it: error decoding signing key: openpgp: unsupported feature: public key type: 22",
				"the key " + s.ed25519.ID() + " is EdDSA (Ed25519): the Terraform Registry takes RSA or DSA keys only"}},
	}
	return s.signings, nil
}

// signingsJudgedByTheCLI: init refuses each signing case with the CLI's own
// words, or, where the CLI takes it (OpenTofu and an Ed25519 key), installs the
// provider signed by that key.
func (s *suite) signingsJudgedByTheCLI(ctx context.Context, c e2e.CLI) {
	cases, err := s.signingCases(ctx)
	if err != nil {
		s.r.fail("%s: %v", c, err)
		return
	}
	defer s.reg.Serve(s.served)
	for _, tc := range cases {
		s.reg.Serve(tc.served)
		dir := filepath.Join(s.work, c.Short(), "signing-"+tc.name)
		tf, log, err := s.prepare(c, dir, s.regConfig, s.snap.Version)
		if err != nil {
			s.r.fail("%s: %v", c, err)
			continue
		}
		want := tc.cliWords[c.Product]
		if want != "" {
			s.expect(c, tc.what, initRefuses(ctx, tf, log, dir, want), want, log)
			continue
		}
		got := initRefuses(ctx, tf, log, dir, "Error")
		line := lineWith(log.String(), "Installed "+e2e.ProviderSource)
		switch {
		case got.accepted && strings.Contains(line, "key ID "+tc.key.ID()):
			s.r.pass("%s: init accepts %s (the release check refuses it, below): %q", c, tc.what, line)
		case got.accepted:
			s.r.fail("%s: init accepts %s but does not name key %s: %q", c, tc.what, tc.key.ID(), line)
		default:
			s.r.fail("%s: init was expected to accept %s, and refused it: %q", c, tc.what, got.line)
			s.r.show(log.String())
		}
	}
}

// signingsRefusedByTheReleaseCheck: the release check refuses every signing
// case, in the words the CLIs use and naming the fix.
func (s *suite) signingsRefusedByTheReleaseCheck(ctx context.Context) {
	cases, err := s.signingCases(ctx)
	if err != nil {
		s.r.fail("%v", err)
		return
	}
	for _, tc := range cases {
		dir, err := s.releaseDir("signing-"+tc.name+"-release", tc.served)
		if err != nil {
			s.r.fail("%v", err)
			continue
		}
		_, err = release.Verify(dir, tc.key.Armored)
		missing := ""
		for _, w := range tc.checkWords {
			if err == nil || !strings.Contains(err.Error(), w) {
				missing = w
			}
		}
		if missing == "" {
			s.r.pass("the release check refuses %s: %v", tc.what, err)
		} else {
			s.r.fail("the release check does not refuse %s with %q: %v", tc.what, missing, err)
		}
	}
}

// releaseDir writes what served holds, and the manifest, to a new directory
// of the work directory named name: a release as release.yml checks it.
func (s *suite) releaseDir(name string, served Served) (string, error) {
	dir := filepath.Join(s.work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for file, data := range served.Files {
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o600); err != nil {
			return "", err
		}
	}
	return dir, copyFile(s.snap.Manifest, filepath.Join(dir, filepath.Base(s.snap.Manifest)))
}
