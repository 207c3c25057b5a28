// Package accesslog reads Amazon S3 server access logs: one record per
// request, space-separated fields, quoted strings and a bracketed time
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html).
// openlot reads the GETs of download URLs tagged with x-openlot-download,
// whose bytes sent add up to what reached each client.
package accesslog

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// Record is the part of one log record openlot reads.
type Record struct {
	Bucket     string
	Operation  string // e.g. REST.GET.OBJECT
	Key        string
	RequestURI string // "GET /key?query HTTP/1.1"
	Status     int
	BytesSent  int64 // 0 for "-"
	ObjectSize int64
}

// Tag is the value of query parameter name in the record's request URI.
func (r Record) Tag(name string) string {
	parts := strings.Fields(r.RequestURI)
	if len(parts) < 2 {
		return ""
	}
	u, err := url.Parse(parts[1])
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

// fields splits a record: "quoted strings" and [bracketed times] are one field each.
func fields(line string) ([]string, error) {
	var out []string
	for i := 0; i < len(line); {
		switch line[i] {
		case ' ':
			i++
			continue
		case '"':
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quote at %d", i)
			}
			out = append(out, line[i+1:i+1+j])
			i += j + 2
		case '[':
			j := strings.IndexByte(line[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unterminated time at %d", i)
			}
			out = append(out, line[i+1:i+j])
			i += j + 1
		default:
			j := strings.IndexByte(line[i:], ' ')
			if j < 0 {
				j = len(line) - i
			}
			out = append(out, line[i:i+j])
			i += j
		}
	}
	return out, nil
}

func number(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n // "-" is 0
}

// Parse reads every record; a line that is not one is skipped and counted.
func Parse(r io.Reader) (records []Record, skipped int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f, err := fields(line)
		// owner bucket time ip requester requestID operation key uri status error bytes size …
		if err != nil || len(f) < 15 {
			skipped++
			continue
		}
		status, err := strconv.Atoi(f[9])
		if err != nil {
			skipped++
			continue
		}
		key, err := url.QueryUnescape(f[7])
		if err != nil {
			key = f[7]
		}
		records = append(records, Record{Bucket: f[1], Operation: f[6], Key: key, RequestURI: f[8], Status: status,
			BytesSent: number(f[11]), ObjectSize: number(f[12])})
	}
	return records, skipped, sc.Err()
}

// Sent sums the bytes each tagged download's successful GETs sent.
func Sent(records []Record, tag string) map[string]int64 {
	out := map[string]int64{}
	for _, r := range records {
		if r.Operation != "REST.GET.OBJECT" || r.Status != 200 && r.Status != 206 {
			continue
		}
		if id := r.Tag(tag); id != "" && r.BytesSent > 0 {
			out[id] += r.BytesSent
		}
	}
	return out
}
