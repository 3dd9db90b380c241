package installtest

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/swr-iac/terraform-provider-swr/internal/e2e"
	"github.com/swr-iac/terraform-provider-swr/internal/fakeapi"
)

// Config pins the snapshot version and reads the sample data.
func Config(version string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    swr = {
      source  = %q
      version = %q
    }
  }
}

variable "endpoint" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

provider "swr" {
  endpoint     = var.endpoint
  iam_endpoint = var.endpoint
  project_id   = %q
  auth_token   = var.token
}

data "swr_retention_execution_tasks" "x" {
  instance_id    = %q
  namespace_name = %q
  policy_id      = %d
  execution_id   = %d
}

data "swr_retention_execution_tasks" "empty" {
  instance_id    = %[4]q
  namespace_name = %[5]q
  policy_id      = %[6]d
  execution_id   = %[8]d
}

output "task_count" {
  value = length(data.swr_retention_execution_tasks.x.tasks)
}

output "total" {
  value = data.swr_retention_execution_tasks.x.total
}

output "empty_count" {
  value = length(data.swr_retention_execution_tasks.empty.tasks)
}
`, e2e.ProviderSource, version, fakeapi.DefaultProjectID, fakeapi.SampleInstance, fakeapi.SampleNamespace,
		fakeapi.SamplePolicyID, fakeapi.SampleExecutionID, fakeapi.SampleEmptyExecution)
}

// writeRegistryLock writes a lock file holding one hash, this platform's zh:
// (the zip's SHA-256 from SHA256SUMS): what an install from the registry on
// another platform leaves that covers this platform's zip (its h1: is of its
// own zip).
func writeRegistryLock(dir, addr, version, zh string) error {
	return os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), fmt.Appendf(nil,
		"provider %q {\n  version     = %q\n  constraints = %q\n  hashes = [\n    %q,\n  ]\n}\n", addr, version, version, zh), 0o600)
}

func zipNames(path string) ([]string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names, nil
}

// tamperBinary writes dst: src with one byte appended to the file named bin.
func tamperBinary(src, bin, dst string) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	defer zr.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		hdr := f.FileHeader
		w, err := zw.CreateHeader(&zip.FileHeader{Name: hdr.Name, Method: zip.Deflate, Modified: hdr.Modified, ExternalAttrs: hdr.ExternalAttrs, CreatorVersion: hdr.CreatorVersion})
		if err != nil {
			return err
		}
		if hdr.Name == bin {
			data = append(data, 'x')
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

func appendByte(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte{'x'}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o600)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
