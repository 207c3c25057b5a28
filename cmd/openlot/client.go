package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/httpapi"
)

// credentials is what `openlot login` keeps (file mode 0600): enough to get
// a new token when the old one expires.
type credentials struct {
	URL       string    `json:"url"`
	TokenURL  string    `json:"tokenUrl"`
	Client    string    `json:"client"`
	Secret    string    `json:"secret"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func defaultCredentialsPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "openlot", "credentials.json")
}

// client talks to a running openlot as the logged-in machine client.
type client struct {
	path  string
	creds credentials
	http  *http.Client
}

func loadClient(path string) (*client, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errors.New("not logged in: run `openlot login --client ID --secret SECRET --url URL` first")
	}
	if err != nil {
		return nil, err
	}
	c := &client{path: path, http: newHTTPClient()}
	if err := json.Unmarshal(b, &c.creds); err != nil {
		return nil, fmt.Errorf("%s is damaged; log in again", path)
	}
	return c, nil
}

// newHTTPClient is tuned for large bodies: 1 MiB write buffers send a part
// in far fewer system calls than the default 4 KiB.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.WriteBufferSize, t.ReadBufferSize = 1<<20, 64<<10
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t, Timeout: 10 * time.Minute}
}

// login gets a token with the client credentials grant and saves it.
func (c *client) login(ctx context.Context) error {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.creds.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.creds.Client, c.creds.Secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("token endpoint %s: %w", c.creds.TokenURL, err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Message     string `json:"error_description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		if tok.Error != "" {
			return fmt.Errorf("login refused: %s (%s)", tok.Error, tok.Message)
		}
		return fmt.Errorf("login failed: HTTP %d", resp.StatusCode)
	}
	c.creds.Token = tok.AccessToken
	c.creds.ExpiresAt = time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	b, _ := json.MarshalIndent(c.creds, "", "  ")
	return writePrivate(c.path, b)
}

// writePrivate replaces the file at path with b, readable by its owner
// only (0600) whatever mode an earlier file had: it writes a new file
// (os.CreateTemp makes it 0600) and renames it over the old one.
func writePrivate(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // gone once renamed
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// apiError is the API's {code, message} (httpapi.Problem) with the HTTP status it came with.
type apiError struct {
	Status int
	httpapi.Problem
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Code, e.Message, e.Status)
}

// do calls the API, logging in again first when the token has expired.
func (c *client) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	if time.Until(c.creds.ExpiresAt) < time.Minute {
		if err := c.login(ctx); err != nil {
			return nil, err
		}
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.creds.URL, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.creds.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		e := &apiError{Status: resp.StatusCode}
		if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e.Problem) != nil || e.Code == "" {
			e.Code, e.Message = "http", resp.Status
		}
		return nil, e
	}
	return resp, nil
}

// call calls the API and decodes its JSON answer into out.
func (c *client) call(ctx context.Context, method, path string, body, out any) error {
	resp, err := c.do(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

func loginCmd(cfg *string) *cobra.Command {
	var c credentials
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Get a token for a machine client and keep it for the other commands",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if c.Client == "" || c.Secret == "" {
				return errors.New("--client and --secret are required")
			}
			if c.TokenURL == "" {
				c.TokenURL = strings.TrimSuffix(c.URL, "/") + "/oauth2/token"
			}
			cl := &client{path: *cfg, creds: c, http: newHTTPClient()}
			if err := cl.login(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "logged in to %s as %s (token valid until %s)\n", c.URL, c.Client, cl.creds.ExpiresAt.Format(time.Kitchen))
			return nil
		},
	}
	cmd.Flags().StringVar(&c.Client, "client", "", "client ID")
	cmd.Flags().StringVar(&c.Secret, "secret", "", "client secret")
	cmd.Flags().StringVar(&c.URL, "url", "http://127.0.0.1:8080", "openlot API base URL")
	cmd.Flags().StringVar(&c.TokenURL, "token-url", "", "OAuth2 token endpoint (default: URL/oauth2/token; on AWS the stack's TokenUrl)")
	return cmd
}

// searchFlags are the modifiers and view options `openlot search` passes on.
var searchFlags = []string{"contentPartner", "fulfillmentPartner", "estimatedDeliveryDate", "dueDate", "status",
	"materialStatus", "language", "isOriginal", "movieType", "issues", "sourceType", "serviceType", "country", "title",
	"requestId", "packageId", "movieId", "group", "bucket", "groupKey", "columns", "sort", "cursor", "limit", "template"}

func searchCmd(cfg *string) *cobra.Command {
	vals := map[string]*string{}
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search",
		Short: "Search requests: groups with their bucket counts, or rows of a bucket",
		Example: "  openlot search --status Open --group sourceType,language\n" +
			"  openlot search --group sourceType --bucket critical --groupKey SUBTITLE\n  openlot search --title \"house md\" --columns title,dueDate,why",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadClient(*cfg)
			if err != nil {
				return err
			}
			q := url.Values{}
			for _, name := range searchFlags {
				if v := *vals[name]; v != "" {
					q.Set(name, v)
				}
			}
			resp, err := c.do(cmd.Context(), http.MethodGet, "/v1/requests?"+q.Encode(), nil)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			if asJSON {
				_, err = cmd.OutOrStdout().Write(append(raw, '\n'))
				return err
			}
			return printSearch(cmd.OutOrStdout(), raw, q)
		},
	}
	for _, name := range searchFlags {
		vals[name] = cmd.Flags().String(name, "", "")
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON answer")
	return cmd
}

var bucketOrder = []string{"requests", "critical", "atRisk", "onTrack", "awaitingMaterials", "materialsAvailable", "overdueUndelivered"}

func printSearch(w io.Writer, raw []byte, q url.Values) error {
	var res httpapi.SearchOutputBody
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%d requests\t", res.Total)
	buckets := byJSONName(res.Buckets)
	for _, b := range bucketOrder {
		fmt.Fprintf(tw, "%s %v\t", b, buckets[b])
	}
	fmt.Fprintln(tw)
	if len(res.Groups) > 0 {
		fields := strings.Split(q.Get("group"), ",")
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, strings.Join(append(slices.Clone(fields), append([]string{"total"}, bucketOrder...)...), "\t"))
		for _, g := range res.Groups {
			var cells []string
			for _, f := range fields {
				v := g.Key[f]
				if v == "" {
					v = "-"
				}
				cells = append(cells, v)
			}
			cells = append(cells, fmt.Sprint(g.Total))
			buckets := byJSONName(g.Buckets)
			for _, b := range bucketOrder {
				cells = append(cells, fmt.Sprint(buckets[b]))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
	}
	if len(res.Rows) > 0 {
		cols := []string{"id", "title", "sourceType", "language", "status", "materialStatus", "dueDate", "insight", "why"}
		if c := q.Get("columns"); c != "" {
			cols = append([]string{"id"}, strings.Split(c, ",")...)
		}
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		for _, row := range res.Rows {
			r := byJSONName(row)
			var cells []string
			for _, c := range cols {
				v := fmt.Sprint(r[c])
				if r[c] == nil || v == "" {
					v = "-"
				}
				cells = append(cells, v)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if res.Next != "" {
			fmt.Fprintf(tw, "\nmore: --cursor %s\n", res.Next)
		}
	}
	return tw.Flush()
}

// byJSONName is v as the API sends it, a field per JSON name, for printing
// columns the user names.
func byJSONName(v any) map[string]any {
	b, _ := json.Marshal(v)
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // counts and IDs print as sent, never as 1e+06
	var m map[string]any
	_ = d.Decode(&m)
	return m
}

func exportCmd(cfg *string) *cobra.Command {
	var ids, columns, format, out string
	cmd := &cobra.Command{
		Use:     "export",
		Short:   "Export selected requests to Excel (XLSX) or CSV",
		Example: "  openlot export --ids ID1,ID2 -o requests.xlsx\n  openlot search --bucket critical --json | jq -r '.rows[].id' | openlot export --ids - -o critical.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadClient(*cfg)
			if err != nil {
				return err
			}
			var list []string
			if ids == "-" {
				sc := bufio.NewScanner(cmd.InOrStdin())
				for sc.Scan() {
					if s := strings.TrimSpace(sc.Text()); s != "" {
						list = append(list, s)
					}
				}
			} else {
				for _, s := range strings.Split(ids, ",") {
					if s = strings.TrimSpace(s); s != "" {
						list = append(list, s)
					}
				}
			}
			if len(list) == 0 {
				return errors.New("--ids names no request")
			}
			if format == "" {
				format = "xlsx"
				if strings.HasSuffix(strings.ToLower(out), ".csv") {
					format = "csv"
				}
			}
			body := httpapi.ExportRequestsRequest{IDs: list, Format: format}
			if columns != "" {
				body.Columns = strings.Split(columns, ",")
			}
			resp, err := c.do(cmd.Context(), http.MethodPost, "/v1/requests/export", body)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d bytes); %s IDs skipped\n", out, len(b), resp.Header.Get("X-Openlot-Skipped"))
			return nil
		},
	}
	cmd.Flags().StringVar(&ids, "ids", "", "request IDs, comma-separated, or - to read one per line from standard input")
	cmd.Flags().StringVar(&columns, "columns", "", "columns in order (default: the search's default columns)")
	cmd.Flags().StringVar(&format, "format", "", "xlsx or csv (default: from the file name)")
	cmd.Flags().StringVarP(&out, "output", "o", "requests.xlsx", "file to write")
	return cmd
}
