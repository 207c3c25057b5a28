package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestLoginKeepsTheSecretInAFileOnlyItsOwnerReads(t *testing.T) {
	// Ensures login leaves the credentials file (it holds the client secret) at mode 0600,
	// also when an earlier file was world-readable.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":3600}`))
	}))
	defer srv.Close()
	for _, before := range []os.FileMode{0, 0o644, 0o666} {
		creds := filepath.Join(t.TempDir(), "openlot", "credentials.json")
		if before != 0 {
			if err := os.MkdirAll(filepath.Dir(creds), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(creds, []byte(`{"secret":"old"}`), before); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(creds, before); err != nil { // past the umask
				t.Fatal(err)
			}
		}
		if out, err := run(t, "", "login", "--credentials="+creds, "--url", srv.URL, "--client", "fp-juniper", "--secret", "s3cret"); err != nil {
			t.Fatalf("login: %v %s", err, out)
		}
		fi, err := os.Stat(creds)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("credentials file (was %v): mode %v, want 0600", before, perm)
		}
	}
}
