package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"

	"golang.org/x/mod/sumdb/dirhash"
)

// H1 is the h1: hash the CLIs record in .terraform.lock.hcl for a provider
// package: a hash of the files inside the zip (dirhash.Hash1).
func H1(zipFile string) (string, error) {
	return dirhash.HashZip(zipFile, dirhash.Hash1)
}

// ZH is the zh: hash: the zip's own SHA-256, as SHA256SUMS lists it.
func ZH(zipFile string) (string, error) {
	sum, err := FileSHA256(zipFile)
	if err != nil {
		return "", err
	}
	return "zh:" + sum, nil
}

// FileSHA256 is the hex SHA-256 of a file.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
