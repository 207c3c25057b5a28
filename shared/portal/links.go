package portal

import (
	"net/url"
	"strconv"
)

// The portal's pages that mail links to, as paths under the public base
// URL (Deps.PublicURL), which serves the web app and the API alike. They
// are the web app's routes: a person who follows a link signs in if need
// be and lands on the page the mail is about, never on a raw API answer.

// RequestPath is the Source Request Details page of request id.
func RequestPath(id string) string { return "/requests/" + url.PathEscape(id) }

// Details page tabs a link may open.
const (
	TabDeliveries = "deliveries"
	TabQC         = "qc"
)

// RequestTabPath is the details page of request id open at tab, with the
// card of transfer (a delivery, or its QC) in view when given.
func RequestTabPath(id, tab, transfer string) string {
	q := url.Values{"tab": {tab}}
	if transfer != "" {
		q.Set("transfer", transfer)
	}
	return RequestPath(id) + "?" + q.Encode()
}

// ErrorCodePath is the help of an inspection error code.
func ErrorCodePath(code string) string { return "/help/error-codes#" + url.PathEscape(code) }

// DashboardPath is the Source Management dashboard with search modifiers
// and an open bucket, as GET /v1/requests names them (the dashboard keeps
// its view in the URL with the same parameters).
func DashboardPath(q url.Values) string {
	if len(q) == 0 {
		return "/"
	}
	return "/?" + q.Encode()
}

// TitlePath is the dashboard showing the requests of title movieID.
func TitlePath(movieID int64) string {
	return DashboardPath(url.Values{"movieId": {strconv.FormatInt(movieID, 10)}})
}

// link makes an absolute link to a portal path.
func (d *Deps) link(path string) string { return d.PublicURL + path }
