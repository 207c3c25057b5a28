package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mustServe starts the built binary and returns its URL; stop sends SIGTERM and waits.
func mustServe(t *testing.T, bin, data string) (base string, stop func() error) {
	t.Helper()
	base, stop, _ = mustServeCmd(t, bin, data)
	return base, stop
}

// mustServeCmd is mustServe that also returns the process, to kill it.
func mustServeCmd(t *testing.T, bin, data string) (base string, stop func() error, cmd *exec.Cmd) {
	t.Helper()
	cmd = exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--data", data)
	var stderr bytes.Buffer // what it said, for a failure
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	re := regexp.MustCompile(`serving (http://\S+)`)
	// Seeding the demo (its media made by ffmpeg) takes seconds alone and
	// minutes on a machine busy with the race detector's other packages.
	deadline := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	deadline.Stop()
	if base == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("serve printed no URL; it said:\n%s", tail(stderr.String(), 2000))
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return base, func() error {
		if cmd.ProcessState != nil {
			return nil // already ended (killed by the test)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			return <-done
		}
	}, cmd
}

func call(t *testing.T, method, u, token, body string, into any) int {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if into != nil {
		json.NewDecoder(res.Body).Decode(into)
	}
	return res.StatusCode
}

func token(t *testing.T, base, client string) string {
	t.Helper()
	res, err := http.PostForm(base+"/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {client + "-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&m)
	if m.AccessToken == "" {
		t.Fatalf("no token for %s: %d", client, res.StatusCode)
	}
	return m.AccessToken
}

func TestServeDemoPersistsAcrossRestartAndStopsCleanly(t *testing.T) {
	// Ensures `openlot serve --demo` seeds once, serves the API with demo clients, exits 0 on SIGTERM, and keeps data across restarts.
	dir := t.TempDir()
	bin := filepath.Join(dir, "openlot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	base, stop := mustServe(t, bin, data)
	total := countAll(t, base)
	if total < 2000 {
		t.Fatalf("demo has %d requests, want 2,000+", total)
	}
	fp := token(t, base, "fp-juniper")
	var list struct{ Rows []struct{ ID string } }
	call(t, "GET", base+"/v1/requests?status=open&materialStatus=not_received&limit=1", fp, "", &list)
	if len(list.Rows) != 1 {
		t.Fatal("juniper has no open request without materials")
	}
	id := list.Rows[0].ID
	// Every demo title has its materials, made with ffmpeg at the first start.
	materials := func() map[string]int {
		var m struct {
			AssetTypes []struct {
				AssetType string
				Count     int
				Materials []struct{ Version int }
			}
		}
		if code := call(t, "GET", base+"/v1/materials?requests="+id, fp, "", &m); code != 200 {
			t.Fatalf("materials: %d", code)
		}
		out := map[string]int{}
		for _, g := range m.AssetTypes {
			out[g.AssetType] = g.Count
			for _, v := range g.Materials {
				if v.Version != 1 && g.AssetType != "DELIVERY" { // a redelivery is its slot's next version
					t.Errorf("%s version %d", g.AssetType, v.Version)
				}
			}
		}
		return out
	}
	// The title's processed deliveries are earlier deliveries too.
	have := materials()
	if have["DELIVERY"] == 0 {
		t.Errorf("the demo title has no earlier delivery: %v", have)
	}
	delete(have, "DELIVERY")
	if fmt.Sprint(have) != "map[AUDIO_STEMS:1 FINAL_PROXY:1 M_AND_E:1 PRINTMASTER:1 PROXY_VIDEO:1 SCRIPT:1 SUBTITLE:1]" {
		t.Fatalf("the demo title's materials: %v", have)
	}
	// Its media materials carry their technical metadata, probed at the first start.
	var tech struct {
		AssetTypes []struct {
			AssetType string
			Materials []struct {
				Media *struct {
					Width     int
					Languages []string
					Audio     []struct{ Channels int }
				}
			}
		}
	}
	if code := call(t, "GET", base+"/v1/materials?requests="+id, fp, "", &tech); code != 200 {
		t.Fatalf("materials: %d", code)
	}
	for _, g := range tech.AssetTypes {
		for _, m := range g.Materials {
			switch got := m.Media; g.AssetType {
			case "FINAL_PROXY":
				if got == nil || got.Width != 640 || fmt.Sprint(got.Languages) != "[eng fra]" {
					t.Errorf("the demo final proxy's metadata: %+v, want 640 wide, eng and fra", got)
				}
			case "AUDIO_STEMS":
				if got == nil || len(got.Audio) != 1 || got.Audio[0].Channels != 6 {
					t.Errorf("the demo stems' metadata: %+v, want one 6-channel stream", got)
				}
			case "SCRIPT":
				if got != nil {
					t.Errorf("the demo script has technical metadata: %+v", got)
				}
			}
		}
	}
	if code := call(t, "POST", base+"/v1/requests/"+id+"/material-status", fp, `{"materialStatus":"RECEIVED","reason":"proxy downloaded"}`, nil); code != 200 {
		t.Fatalf("material status: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve did not stop cleanly on SIGTERM: %v", err)
	}

	base, stop = mustServe(t, bin, data)
	defer stop()
	fp = token(t, base, "fp-juniper")
	var got struct {
		Request struct{ MaterialStatus string }
	}
	if code := call(t, "GET", base+"/v1/requests/"+id, fp, "", &got); code != 200 {
		t.Fatalf("after restart: status %d, want 200", code)
	}
	if got.Request.MaterialStatus != "RECEIVED" {
		t.Errorf("after restart: material status %s, want RECEIVED", got.Request.MaterialStatus)
	}
	var hist struct{ Entries []struct{ Action string } }
	call(t, "GET", base+"/v1/requests/"+id+"/history", fp, "", &hist)
	if n := len(hist.Entries); n != 2 {
		t.Fatalf("history after restart: %d entries, want 2: %+v", n, hist)
	}
	if a := hist.Entries[1].Action; a != "MATERIAL_STATUS_CHANGED" {
		t.Errorf("history after restart: the second entry is %s, want MATERIAL_STATUS_CHANGED", a)
	}
	if got := fmt.Sprint(materials()); !strings.Contains(got, "PROXY_VIDEO:1") {
		t.Fatalf("materials after restart: %s", got)
	}
	mailReq, _ := http.NewRequest("GET", base+"/mail", nil)
	mailReq.Header.Set("Authorization", "Bearer "+token(t, base, "studio-ops"))
	if res, err := http.DefaultClient.Do(mailReq); err != nil {
		t.Fatalf("the local mailbox page: %v", err)
	} else if res.StatusCode != 200 {
		t.Errorf("the local mailbox page: status %d, want 200", res.StatusCode)
	}
	if again := countAll(t, base); again != total {
		t.Fatalf("%d requests after restart, %d before: the demo was seeded twice or lost data", again, total)
	}
}

func countAll(t *testing.T, base string) int {
	t.Helper()
	studio := token(t, base, "studio-ops")
	total, cursor := 0, ""
	for {
		var page struct {
			Rows []struct{ ID string }
			Next string
		}
		if code := call(t, "GET", base+"/v1/requests?status=all&limit=500"+cursor, studio, "", &page); code != 200 {
			t.Fatalf("list: %d", code)
		}
		total += len(page.Rows)
		if page.Next == "" {
			return total
		}
		cursor = "&cursor=" + page.Next
	}
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
