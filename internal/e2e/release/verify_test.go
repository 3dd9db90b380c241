package release

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

const testVersion = "0.1.0-snapshot-abc"

// testKey is an RSA signing key and its ASCII-armoured public half.
func testKey(t *testing.T, name string) (*openpgp.Entity, []byte) {
	t.Helper()
	return signingKey(t, name, &packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 2048})
}

func sign(t *testing.T, e *openpgp.Entity, data []byte) []byte {
	t.Helper()
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, e, bytes.NewReader(data), nil); err != nil {
		t.Fatal(err)
	}
	return sig.Bytes()
}

// writeRelease writes a release of two zips and the manifest, SHA256SUMS over
// them (plus extra lines) and its signature by e, and returns the directory.
func writeRelease(t *testing.T, e *openpgp.Entity, extra string) string {
	t.Helper()
	dir := t.TempDir()
	var sums strings.Builder
	for _, name := range []string{
		fmt.Sprintf("%s_%s_darwin_arm64.zip", Project, testVersion),
		fmt.Sprintf("%s_%s_linux_amd64.zip", Project, testVersion),
		ManifestName(testVersion),
	} {
		data := []byte("content of " + name)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(data), name)
	}
	sums.WriteString(extra)
	sumsPath := filepath.Join(dir, fmt.Sprintf("%s_%s_SHA256SUMS", Project, testVersion))
	if err := os.WriteFile(sumsPath, []byte(sums.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sumsPath+".sig", sign(t, e, []byte(sums.String())), 0o600); err != nil {
		t.Fatal(err)
	}
	// Files of goreleaser's dist/ that are no release assets.
	_ = os.WriteFile(filepath.Join(dir, "metadata.json"), []byte("{}"), 0o600)
	return dir
}

func TestVerifyAcceptsAGoodRelease(t *testing.T) {
	e, pub := testKey(t, "release")
	v, err := Verify(writeRelease(t, e, ""), pub)
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != testVersion || len(v.Sums) != 3 || v.KeyID != e.PrimaryKey.KeyIdString() {
		t.Errorf("Verify = %+v", v)
	}
}

func TestVerifyNamesEveryProblem(t *testing.T) {
	e, pub := testKey(t, "release")
	sumsName := fmt.Sprintf("%s_%s_SHA256SUMS", Project, testVersion)
	zip := fmt.Sprintf("%s_%s_linux_amd64.zip", Project, testVersion)
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   []string
	}{
		{"goreleaser v2.15: the sums list their own signature, added after signing", func(t *testing.T, dir string) {
			sums, _ := os.ReadFile(filepath.Join(dir, sumsName))
			sig, _ := os.ReadFile(filepath.Join(dir, sumsName+".sig"))
			sums = fmt.Appendf(sums, "%x  %s.sig\n", sha256.Sum256(sig), sumsName)
			_ = os.WriteFile(filepath.Join(dir, sumsName), sums, 0o600)
		}, []string{sumsName + ".sig does not verify", "SHA256SUMS lists " + sumsName + ".sig, which is neither a provider zip nor the manifest"}},
		{"one byte of the signature changed", func(t *testing.T, dir string) {
			sig, _ := os.ReadFile(filepath.Join(dir, sumsName+".sig"))
			sig[len(sig)/2] ^= 1
			_ = os.WriteFile(filepath.Join(dir, sumsName+".sig"), sig, 0o600)
		}, []string{sumsName + ".sig does not verify against the key " + e.PrimaryKey.KeyIdString()}},
		{"signed by another key", func(t *testing.T, dir string) {
			other, _ := testKey(t, "other")
			sums, _ := os.ReadFile(filepath.Join(dir, sumsName))
			_ = os.WriteFile(filepath.Join(dir, sumsName+".sig"), sign(t, other, sums), 0o600)
		}, []string{"does not verify against the key " + e.PrimaryKey.KeyIdString()}},
		{"a zip changed after the sums", func(t *testing.T, dir string) {
			_ = os.WriteFile(filepath.Join(dir, zip), []byte("changed"), 0o600)
		}, []string{zip + ": SHA-256 "}},
		{"a zip the sums do not list", func(t *testing.T, dir string) {
			_ = os.WriteFile(filepath.Join(dir, Project+"_"+testVersion+"_windows_amd64.zip"), []byte("x"), 0o600)
		}, []string{Project + "_" + testVersion + "_windows_amd64.zip is not listed in SHA256SUMS"}},
		{"a listed file missing", func(t *testing.T, dir string) {
			_ = os.Remove(filepath.Join(dir, ManifestName(testVersion)))
		}, []string{"SHA256SUMS lists " + ManifestName(testVersion) + ", which is not in"}},
		{"no signature", func(t *testing.T, dir string) {
			_ = os.Remove(filepath.Join(dir, sumsName+".sig"))
		}, []string{sumsName + " is not signed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeRelease(t, e, "")
			tc.change(t, dir)
			_, err := Verify(dir, pub)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestVerifySignedExtraLineIsStillRefused(t *testing.T) {
	e, pub := testKey(t, "release")
	dir := writeRelease(t, e, strings.Repeat("0", 64)+"  checksums.txt.sig\n")
	_, err := Verify(dir, pub)
	if err == nil || strings.Contains(err.Error(), "does not verify") || !strings.Contains(err.Error(), "lists checksums.txt.sig, which is neither") {
		t.Errorf("a validly signed SHA256SUMS listing another file: %v", err)
	}
}

// releaseSignedAs writes a release signed by e, and its SHA256SUMS.sig
// replaced by what sign makes of SHA256SUMS.
func releaseSignedAs(t *testing.T, e *openpgp.Entity, sign func(sums []byte) []byte) string {
	t.Helper()
	dir := writeRelease(t, e, "")
	sumsPath := filepath.Join(dir, SumsName(testVersion))
	sums, err := os.ReadFile(sumsPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sumsPath+".sig", sign(sums), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// An ASCII-armoured signature (gpg --armor --detach-sign) is refused in both
// CLIs' words: they read the .sig as binary OpenPGP.
func TestVerifyRefusesAnArmouredSignature(t *testing.T) {
	e, pub := testKey(t, "release")
	dir := releaseSignedAs(t, e, func(sums []byte) []byte {
		var armored bytes.Buffer
		if err := openpgp.ArmoredDetachSign(&armored, e, bytes.NewReader(sums), nil); err != nil {
			t.Fatal(err)
		}
		return armored.Bytes()
	})
	_, err := Verify(dir, pub)
	for _, want := range []string{
		"Terraform 1.5.7 (golang.org/x/crypto/openpgp) refuses it: error checking signature: openpgp: invalid data: tag byte does not have MSB set",
		"OpenTofu 1.12.6 (github.com/ProtonMail/go-crypto/openpgp v1.4.1) refuses it: error checking signature: openpgp: invalid data: tag byte does not have MSB set",
		"it is ASCII-armoured",
		"without --armor",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("armoured signature: error lacks %q:\n%v", want, err)
		}
	}
}

// signingKey is a key of the algorithm, and its ASCII-armoured public half.
func signingKey(t *testing.T, name string, cfg *packet.Config) (*openpgp.Entity, []byte) {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", name+"@example.invalid", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	return e, buf.Bytes()
}

// An Ed25519 key (gpg's default key type): Terraform 1.5.7 cannot read it,
// OpenTofu 1.12.6 can, and the registry takes RSA or DSA keys only.
func TestVerifyRefusesAnEd25519Key(t *testing.T) {
	e, pub := signingKey(t, "release", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Curve: packet.Curve25519})
	_, err := Verify(writeRelease(t, e, ""), pub)
	if err == nil {
		t.Fatal("an Ed25519 key is accepted")
	}
	for _, want := range []string{
		"Terraform 1.5.7 (golang.org/x/crypto/openpgp) refuses it: error decoding signing key: openpgp: unsupported feature: public key type: 22",
		"the key " + e.PrimaryKey.KeyIdString() + " is EdDSA (Ed25519): the Terraform Registry takes RSA or DSA keys only",
		"rsa4096",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "OpenTofu") {
		t.Errorf("OpenTofu 1.12.6 reads Ed25519 keys, yet the error says it refuses:\n%v", err)
	}
}

// An ECDSA key, which both CLIs' libraries read, is still refused: the
// registry takes RSA or DSA keys only.
func TestVerifyRefusesAnECDSAKey(t *testing.T) {
	e, pub := signingKey(t, "release", &packet.Config{Algorithm: packet.PubKeyAlgoECDSA, Curve: packet.CurveNistP256})
	_, err := Verify(writeRelease(t, e, ""), pub)
	want := "the key " + e.PrimaryKey.KeyIdString() + " is ECDSA: the Terraform Registry takes RSA or DSA keys only"
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "refuses it") {
		t.Errorf("ECDSA key: want only %q, got:\n%v", want, err)
	}
}

func TestVerifyRejectsGarbageKeysAndEmptyDirectories(t *testing.T) {
	e, pub := testKey(t, "release")
	dir := writeRelease(t, e, "")
	if _, err := Verify(dir, []byte("not a key")); err == nil || !strings.Contains(err.Error(), "the public key") {
		t.Errorf("garbage key: %v", err)
	}
	if _, err := Verify(t.TempDir(), pub); err == nil || !strings.Contains(err.Error(), "want one") {
		t.Errorf("empty directory: %v", err)
	}
}
