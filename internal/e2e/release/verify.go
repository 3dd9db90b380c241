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
// published release): SHA256SUMS.sig is a valid signature of SHA256SUMS by a key
// of the ASCII-armoured armoredKeys; SHA256SUMS lists exactly the provider's
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
	if v.KeyID, err = CheckSignature(keyring, sums, sig); err != nil {
		problems = append(problems, fmt.Errorf("%s does not verify against the key %s: %w", filepath.Base(v.Signature), keyIDs(keyring), err))
	}
	if v.Sums, err = ParseSums(sums); err != nil {
		return v, errors.Join(append(problems, err)...)
	}
	problems = append(problems, CheckSums(dir, version, v.Sums)...)
	return v, errors.Join(problems...)
}

// CheckSignature checks a detached signature, binary (as `gpg --detach-sign`
// writes it, and as the registries serve it) or ASCII-armoured, and returns the
// long key ID of its signer. It is OpenTofu's own OpenPGP library.
func CheckSignature(keyring openpgp.EntityList, signed, sig []byte) (string, error) {
	check := openpgp.CheckDetachedSignature
	if bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN PGP SIGNATURE")) {
		check = openpgp.CheckArmoredDetachedSignature
	}
	signer, err := check(keyring, bytes.NewReader(signed), bytes.NewReader(sig), nil)
	if err != nil {
		return "", err
	}
	return signer.PrimaryKey.KeyIdString(), nil
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
