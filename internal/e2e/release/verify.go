package release

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	xopenpgp "golang.org/x/crypto/openpgp"       //nolint:staticcheck // SA1019: deprecated, but it is what Terraform 1.5.7 verifies with
	xerrors "golang.org/x/crypto/openpgp/errors" //nolint:staticcheck // SA1019: the same

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
)

// Project is the name every release file starts with: the provider's binary
// name.
const Project = e2e.ProviderBinary

// Verified is a release whose signature and sums checked out.
type Verified struct {
	Version    string
	SHA256SUMS string            // path
	Signature  string            // path of SHA256SUMS.sig
	Sums       map[string]string // file name: hex SHA-256, as SHA256SUMS lists them
	KeyID      string            // long ID (16 hex digits) of the key that made the signature
}

// Verify checks a release the way the registries and the CLIs rely on it, in
// dir (goreleaser's dist/ with the manifest beside it, or the assets of a
// published release): SHA256SUMS.sig is a binary signature of SHA256SUMS by an
// RSA or DSA key of the ASCII-armoured armoredKeys, which Terraform's and
// OpenTofu's own OpenPGP libraries both accept (CheckSignature); SHA256SUMS lists exactly the provider's
// zips and the manifest, no other file (goreleaser v2.15 added the .sig's own
// line after signing, which broke the signature); every listed file is in dir
// and has the listed SHA-256, and every zip in dir is listed. Every problem is
// named in the error.
func Verify(dir string, armoredKeys []byte) (Verified, error) {
	sumsPath, version, err := findSums(dir)
	if err != nil {
		return Verified{}, err
	}
	v := Verified{Version: version, SHA256SUMS: sumsPath, Signature: sumsPath + ".sig"}
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armoredKeys))
	if err != nil {
		return v, fmt.Errorf("the public key: %w", err)
	}
	sums, err := os.ReadFile(sumsPath)
	if err != nil {
		return v, err
	}
	sig, err := os.ReadFile(v.Signature)
	if err != nil {
		return v, fmt.Errorf("%s is not signed: %w", filepath.Base(sumsPath), err)
	}
	var problems []error
	if v.KeyID, err = CheckSignature(armoredKeys, sums, sig); err != nil {
		problems = append(problems, fmt.Errorf("%s does not verify against the key %s as the CLIs check it:\n%w", filepath.Base(v.Signature), keyIDs(keyring), err))
	}
	if v.Sums, err = ParseSums(sums); err != nil {
		return v, errors.Join(append(problems, err)...)
	}
	problems = append(problems, CheckSums(dir, version, v.Sums)...)
	return v, errors.Join(problems...)
}

// CheckSignature checks a detached signature of signed by a key of the
// ASCII-armoured armoredKeys as every CLI the README supports checks it, and
// returns the long key ID of its signer. Each CLI's own OpenPGP library reads
// the key and the signature (clis), so that their verdicts and this one agree
// by construction; their error is worded as the CLI words it. On top, the
// signing key must be RSA or DSA (signingAlgorithms), which the Terraform
// Registry requires. An ASCII-armoured signature is refused: both CLIs read the
// .sig as binary OpenPGP.
func CheckSignature(armoredKeys, signed, sig []byte) (string, error) {
	var problems []error
	keyID := ""
	for _, c := range clis {
		id, err := c.check(armoredKeys, signed, sig)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s refuses it: %w", c.name, err))
			continue
		}
		if keyID == "" {
			keyID = id
		}
	}
	if isArmored(sig) {
		problems = append(problems, errors.New("it is ASCII-armoured (-----BEGIN PGP SIGNATURE-----), and the CLIs read it as binary OpenPGP: sign with gpg --detach-sign, without --armor"))
	}
	problems = append(problems, checkAlgorithms(armoredKeys, sig)...)
	if len(problems) > 0 {
		return "", errors.Join(problems...)
	}
	return keyID, nil
}

// cli is one CLI's check of a release signature.
type cli struct {
	name  string
	check func(armoredKeys, signed, sig []byte) (keyID string, err error)
}

// clis are the oldest CLIs the README supports, each with the OpenPGP library
// its go.mod pins, called as internal/getproviders/package_authentication.go
// (findSigningKey) calls it. Terraform 1.5.7 pins golang.org/x/crypto v0.1.0;
// the openpgp packages of the x/crypto this module builds with differ from
// v0.1.0's in comments only. OpenTofu 1.12.6 pins ProtonMail/go-crypto v1.4.1,
// as go.mod does here.
var clis = []cli{
	{"Terraform 1.5.7 (golang.org/x/crypto/openpgp)", checkLikeTerraform},
	{"OpenTofu 1.12.6 (github.com/ProtonMail/go-crypto/openpgp v1.4.1)", checkLikeOpenTofu},
}

func checkLikeTerraform(armoredKeys, signed, sig []byte) (string, error) {
	keyring, err := xopenpgp.ReadArmoredKeyRing(bytes.NewReader(armoredKeys))
	if err != nil {
		return "", fmt.Errorf("error decoding signing key: %w", err)
	}
	entity, err := xopenpgp.CheckDetachedSignature(keyring, bytes.NewReader(signed), bytes.NewReader(sig))
	if errors.Is(err, xerrors.ErrUnknownIssuer) {
		return "", errors.New("authentication signature from unknown issuer")
	}
	if err != nil {
		return "", fmt.Errorf("error checking signature: %w", err)
	}
	return entity.PrimaryKey.KeyIdString(), nil
}

func checkLikeOpenTofu(armoredKeys, signed, sig []byte) (string, error) {
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armoredKeys))
	if err != nil {
		return "", fmt.Errorf("error decoding signing key: %w", err)
	}
	entity, err := openpgp.CheckDetachedSignature(keyring, bytes.NewReader(signed), bytes.NewReader(sig), nil)
	if errors.Is(err, pgperrors.ErrUnknownIssuer) {
		return "", errors.New("authentication signature from unknown issuer")
	}
	if err != nil {
		return "", fmt.Errorf("error checking signature: %w", err)
	}
	return entity.PrimaryKey.KeyIdString(), nil
}

// isArmored says whether a signature is ASCII-armoured rather than binary.
func isArmored(sig []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN PGP"))
}

// signingAlgorithms are the key types the Terraform Registry takes for a
// provider's signing key (RELEASING.md); Terraform 1.5's library reads no
// EdDSA key at all.
var signingAlgorithms = map[packet.PublicKeyAlgorithm]string{
	packet.PubKeyAlgoRSA: "RSA", packet.PubKeyAlgoRSASignOnly: "RSA", packet.PubKeyAlgoDSA: "DSA",
}

// algorithmNames names the other key types a signature may be made with.
var algorithmNames = map[packet.PublicKeyAlgorithm]string{
	packet.PubKeyAlgoECDSA: "ECDSA", packet.PubKeyAlgoEdDSA: "EdDSA (Ed25519)",
	packet.PubKeyAlgoEd25519: "Ed25519", packet.PubKeyAlgoEd448: "Ed448",
}

func algorithmName(a packet.PublicKeyAlgorithm) string {
	if n, ok := signingAlgorithms[a]; ok {
		return n
	}
	if n, ok := algorithmNames[a]; ok {
		return n
	}
	return fmt.Sprintf("OpenPGP algorithm %d", a)
}

// checkAlgorithms refuses a key, or a signature, of a type other than RSA or
// DSA: the primary keys of armoredKeys (what the registries hold) and, when it
// parses, the key type the signature names (a subkey may differ).
func checkAlgorithms(armoredKeys, sig []byte) []error {
	const fix = "the Terraform Registry takes RSA or DSA keys only, and Terraform 1.5 reads no EdDSA key: make an RSA key (gpg --quick-gen-key UID rsa4096 sign 3y, see RELEASING.md)"
	var problems []error
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armoredKeys))
	if err != nil {
		return nil // reported by the CLIs' checks
	}
	for _, e := range keyring {
		if _, ok := signingAlgorithms[e.PrimaryKey.PubKeyAlgo]; !ok {
			problems = append(problems, fmt.Errorf("the key %s is %s: %s", e.PrimaryKey.KeyIdString(), algorithmName(e.PrimaryKey.PubKeyAlgo), fix))
		}
	}
	if len(problems) > 0 {
		return problems
	}
	if p, err := packet.Read(bytes.NewReader(sig)); err == nil {
		if s, ok := p.(*packet.Signature); ok {
			if _, ok := signingAlgorithms[s.PubKeyAlgo]; !ok {
				problems = append(problems, fmt.Errorf("the signature is made by a %s (sub)key: %s", algorithmName(s.PubKeyAlgo), fix))
			}
		}
	}
	return problems
}

func keyIDs(keyring openpgp.EntityList) string {
	ids := make([]string, 0, len(keyring))
	for _, e := range keyring {
		ids = append(ids, e.PrimaryKey.KeyIdString())
	}
	return strings.Join(ids, ", ")
}

// findSums finds the one terraform-provider-swr_<version>_SHA256SUMS in dir.
func findSums(dir string) (string, string, error) {
	found, err := filepath.Glob(filepath.Join(dir, Project+"_*_SHA256SUMS"))
	if err != nil {
		return "", "", err
	}
	if len(found) != 1 {
		return "", "", fmt.Errorf("%s: want one %s_<version>_SHA256SUMS, found %d", dir, Project, len(found))
	}
	name := filepath.Base(found[0])
	return found[0], strings.TrimSuffix(strings.TrimPrefix(name, Project+"_"), "_SHA256SUMS"), nil
}

// ManifestName is the release's copy of terraform-registry-manifest.json.
func ManifestName(version string) string { return fmt.Sprintf("%s_%s_manifest.json", Project, version) }

// SumsName is the release's SHA256SUMS file.
func SumsName(version string) string { return fmt.Sprintf("%s_%s_SHA256SUMS", Project, version) }

// BinaryName is the provider binary inside the release's zips.
func BinaryName(version string) string { return Project + "_v" + version }

// isZip says whether name is a provider zip of version: <project>_<version>_<os>_<arch>.zip.
func isZip(name, version string) bool {
	rest, ok := strings.CutPrefix(name, Project+"_"+version+"_")
	if !ok || !strings.HasSuffix(rest, ".zip") {
		return false
	}
	osArch := strings.Split(strings.TrimSuffix(rest, ".zip"), "_")
	return len(osArch) == 2 && osArch[0] != "" && osArch[1] != ""
}

// CheckSums checks that sums lists exactly the zips of version in dir and the
// manifest, and that each file has its listed SHA-256. It returns one error per
// problem, sorted by file name.
func CheckSums(dir, version string, sums map[string]string) []error {
	var problems []error
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		if !isZip(name, version) && name != ManifestName(version) {
			problems = append(problems, fmt.Errorf("SHA256SUMS lists %s, which is neither a provider zip nor the manifest: it must list only those", name))
			continue
		}
		got, err := e2e.FileSHA256(filepath.Join(dir, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			problems = append(problems, fmt.Errorf("SHA256SUMS lists %s, which is not in %s", name, dir))
		case err != nil:
			problems = append(problems, err)
		case got != sums[name]:
			problems = append(problems, fmt.Errorf("%s: SHA-256 %s, SHA256SUMS says %s", name, got, sums[name]))
		}
	}
	if _, ok := sums[ManifestName(version)]; !ok {
		problems = append(problems, fmt.Errorf("SHA256SUMS does not list the manifest %s", ManifestName(version)))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return append(problems, err)
	}
	zips := 0
	for _, e := range entries {
		if !isZip(e.Name(), version) {
			continue
		}
		zips++
		if _, ok := sums[e.Name()]; !ok {
			problems = append(problems, fmt.Errorf("%s is not listed in SHA256SUMS", e.Name()))
		}
	}
	if zips == 0 {
		problems = append(problems, fmt.Errorf("%s holds no %s_%s_<os>_<arch>.zip", dir, Project, version))
	}
	return problems
}
