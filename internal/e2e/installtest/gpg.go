package installtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Keyring is a throwaway GnuPG home made for one test run: the keys the test
// signs with, made with no passphrase, never the user's. gpg itself, not a Go
// signer, because .goreleaser.yml signs with gpg, as the release workflow does.
type Keyring struct {
	Home string // GNUPGHOME
}

// NewKeyring makes an empty GnuPG home at dir (short: gpg-agent's socket lives
// there and a Unix socket path has a length limit).
func NewKeyring(dir string) (*Keyring, error) {
	if _, err := exec.LookPath("gpg"); err != nil {
		return nil, errors.New("gpg not found: the install test signs its release with GnuPG (apt-get install gnupg)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Keyring{Home: dir}, nil
}

func (k *Keyring) gpg(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "gpg", append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback"}, args...)...) //nolint:gosec // G204: gpg, with arguments this package builds
	cmd.Env = append(os.Environ(), "GNUPGHOME="+k.Home)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("gpg %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// Key is a key of the keyring.
type Key struct {
	Fingerprint string
	Armored     []byte // the ASCII-armoured public key
}

// ID is the long key ID (the fingerprint's last 16 hex digits), as the
// registries' signing_keys name a key and the CLIs report it.
func (k Key) ID() string { return k.Fingerprint[len(k.Fingerprint)-16:] }

// Key types NewKey makes. GnuPG 2.3 and later make an Ed25519 key by default,
// which Terraform 1.5's OpenPGP library cannot read, so the type is always
// asked for.
const (
	RSAKey     = "rsa3072" // what the registries take and both CLIs read
	Ed25519Key = "ed25519" // gpg's default: the install test shows who refuses it
)

// NewKey makes a signing key of the type (RSAKey or Ed25519Key) for uid with no
// passphrase.
func (k *Keyring) NewKey(ctx context.Context, uid, keyType string) (Key, error) {
	if _, err := k.gpg(ctx, nil, "--passphrase", "", "--quick-gen-key", uid, keyType, "sign", "never"); err != nil {
		return Key{}, err
	}
	out, err := k.gpg(ctx, nil, "--with-colons", "--list-keys", "="+uid)
	if err != nil {
		return Key{}, err
	}
	fpr := firstFingerprint(out)
	if fpr == "" {
		return Key{}, fmt.Errorf("gpg: no fingerprint for %s", uid)
	}
	armored, err := k.gpg(ctx, nil, "--armor", "--export", fpr)
	if err != nil {
		return Key{}, err
	}
	return Key{Fingerprint: fpr, Armored: armored}, nil
}

// firstFingerprint reads the first fpr record of `gpg --with-colons` output.
func firstFingerprint(out []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if f := strings.Split(sc.Text(), ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	return ""
}

// DetachSign signs data with the key as .goreleaser.yml does (binary, detached).
func (k *Keyring) DetachSign(ctx context.Context, key Key, data []byte) ([]byte, error) {
	return k.gpg(ctx, data, "--local-user", key.Fingerprint, "--output", "-", "--detach-sign")
}

// ArmoredDetachSign signs data as `gpg --armor --detach-sign` does: the
// signature the CLIs refuse.
func (k *Keyring) ArmoredDetachSign(ctx context.Context, key Key, data []byte) ([]byte, error) {
	return k.gpg(ctx, data, "--local-user", key.Fingerprint, "--output", "-", "--armor", "--detach-sign")
}

// Close stops the gpg-agent that gpg started for this home. It runs at cleanup,
// when the test's context may be done already, so it has its own short one.
func (k *Keyring) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "gpgconf", "--kill", "gpg-agent")
	cmd.Env = append(os.Environ(), "GNUPGHOME="+k.Home)
	_ = cmd.Run()
}
