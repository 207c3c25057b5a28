// Package auth maps verified token claims to a lot.Principal. It is the one
// place that knows the claim names, used for openlot's own tokens and for
// Cognito tokens passed on by API Gateway's JWT authorizer.
//
// Users carry their role as a Cognito group (fp, cp, studio, qc), their
// facility in custom:partner and extra rights in custom:permissions. Machine
// clients (client credentials) carry all three as scopes of the openlot
// resource server: openlot/role.fp, openlot/partner.juniper, openlot/cancel.
//
// Two scopes limit what a token may do: openlot/read (find, read, download,
// export) and openlot/write (change things). A token that names openlot/read
// without openlot/write is read-only. A token that names neither keeps the
// full reach of its role: people's tokens, and machine clients of a Cognito
// resource server that does not offer them.
package auth

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/openlot/openlot/shared/lot"
)

// Claim names and the scope prefix.
const (
	ClaimGroups      = "cognito:groups"
	ClaimPartner     = "custom:partner"
	ClaimPermissions = "custom:permissions"
	ClaimScope       = "scope"
	ScopePrefix      = "openlot/"

	ScopeRead  = ScopePrefix + "read"  // find, read, download and export
	ScopeWrite = ScopePrefix + "write" // change things
)

// Scopes describes the scopes of the openlot resource server, name → what it
// grants, but for the one scope per partner (openlot/partner.<partner ID>),
// which FP and CP clients carry to name the facility they act for.
func Scopes() map[string]string {
	m := map[string]string{
		ScopeRead:                 "find and read requests, download materials, export, plan deliveries",
		ScopeWrite:                "change things: everything that is not reading (needs the role's right too)",
		ScopePrefix + "cancel":    "fulfillment partners: cancel and uncancel Forced Sub and Dub Card Image requests",
		ScopePrefix + "subassign": "fulfillment partners: subassign requests to approved partners",
	}
	for _, r := range lot.Roles {
		m[RoleScope(r)] = "acts as a " + r.Name() + " (one role per token)"
	}
	return m
}

// RoleScope is the scope that names role r.
func RoleScope(r lot.Role) string { return ScopePrefix + "role." + strings.ToLower(string(r)) }

// PartnerScope is the scope that names the partner an FP or CP client acts for.
func PartnerScope(partner string) string { return ScopePrefix + "partner." + partner }

// ScopesOf returns every scope a machine client acting as p may be granted:
// its role, its partner, its permissions, reading and writing.
func ScopesOf(p lot.Principal) []string {
	out := []string{RoleScope(p.Role)}
	if p.Partner != "" {
		out = append(out, PartnerScope(p.Partner))
	}
	for _, perm := range p.Permissions {
		out = append(out, ScopePrefix+string(perm))
	}
	return append(out, ScopeRead, ScopeWrite)
}

// FromClaims returns the principal the claims describe. It fails with
// unauthorized when the subject is missing, no single role is named, or an FP
// or CP names no valid partner. Whether the partner exists is the caller's
// check.
func FromClaims(c map[string]any) (lot.Principal, error) {
	bad := func(format string, args ...any) (lot.Principal, error) {
		return lot.Principal{}, lot.Errorf(lot.CodeUnauthorized, "the token is not usable: "+format, args...)
	}
	p := lot.Principal{Subject: str(c["sub"])}
	if p.Subject == "" {
		p.Subject = str(c["client_id"])
	}
	if p.Subject == "" {
		return bad("it names no subject")
	}
	if a, err := mail.ParseAddress(str(c["email"])); err == nil {
		p.Email = a.Address
	}
	p.Name = firstNonEmpty(str(c["name"]), str(c["email"]), str(c["username"]), str(c["cognito:username"]), str(c["client_id"]), p.Subject)

	var roles []lot.Role
	addRole := func(s string) {
		if r, err := lot.ParseRole(s); err == nil && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	for _, g := range list(c[ClaimGroups]) {
		addRole(g)
	}
	partner := str(c[ClaimPartner])
	var perms []lot.Permission
	addPerm := func(s string) {
		for _, known := range lot.Permissions {
			if strings.EqualFold(s, string(known)) && !slices.Contains(perms, known) {
				perms = append(perms, known)
			}
		}
	}
	for _, s := range list(c[ClaimPermissions]) {
		addPerm(s)
	}
	var read, write bool
	for _, sc := range strings.Fields(str(c[ClaimScope])) {
		rest, ok := strings.CutPrefix(sc, ScopePrefix)
		if !ok {
			continue
		}
		switch {
		case sc == ScopeRead:
			read = true
		case sc == ScopeWrite:
			write = true
		case strings.HasPrefix(rest, "role."):
			addRole(strings.TrimPrefix(rest, "role."))
		case strings.HasPrefix(rest, "partner."):
			if partner == "" {
				partner = strings.TrimPrefix(rest, "partner.")
			}
		default:
			addPerm(rest)
		}
	}
	switch len(roles) {
	case 0:
		return bad("it names no role (fp, cp, studio or qc)")
	case 1:
		p.Role = roles[0]
	default:
		return bad("it names more than one role")
	}
	if p.Role == lot.RoleFP || p.Role == lot.RoleCP {
		if !lot.ValidPartnerID(partner) {
			return bad("a %s token must name its partner", strings.ToLower(p.Role.Name()))
		}
		p.Partner = partner
	}
	p.Permissions = perms
	p.ReadOnly = read && !write
	return p, nil
}

// Claims returns the claims openlot's own issuer puts in a token for principal p
// (the inverse of FromClaims).
func Claims(p lot.Principal) map[string]any {
	c := map[string]any{
		"sub":       p.Subject,
		"client_id": p.Subject,
		"name":      p.Name,
		ClaimGroups: []string{strings.ToLower(string(p.Role))},
	}
	if p.Partner != "" {
		c[ClaimPartner] = p.Partner
	}
	if p.Email != "" {
		c["email"] = p.Email
	}
	scopes := make([]string, 0, len(p.Permissions))
	for _, perm := range p.Permissions {
		scopes = append(scopes, ScopePrefix+string(perm))
	}
	if p.ReadOnly {
		scopes = append(scopes, ScopeRead)
	}
	if len(scopes) > 0 {
		c[ClaimScope] = strings.Join(scopes, " ")
	}
	return c
}

func str(v any) string {
	switch s := v.(type) {
	case string:
		return strings.TrimSpace(s)
	case nil:
		return ""
	default:
		return strings.TrimSpace(fmt.Sprint(s))
	}
}

// list reads a claim that is a JSON array, or a string as API Gateway flattens
// arrays ("[fp studio]"), or a comma/space separated string.
func list(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			out = append(out, str(x))
		}
	case []string:
		out = append(out, l...)
	case string:
		s := strings.Trim(strings.TrimSpace(l), "[]")
		out = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
