package auth_test

import (
	"slices"
	"testing"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
)

func TestFromClaims(t *testing.T) {
	// Ensures local, Cognito user and Cognito machine tokens map to the same principals, and bad ones are refused.
	cases := []struct {
		name   string
		claims map[string]any
		want   lot.Principal
		err    bool
	}{
		{"cognito user", map[string]any{"sub": "u1", "email": "ana@juniper.example", "cognito:groups": []any{"fp"}, "custom:partner": "juniper", "custom:permissions": "cancel,subassign"},
			lot.Principal{Subject: "u1", Name: "ana@juniper.example", Role: lot.RoleFP, Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel, lot.PermSubassign}, Email: "ana@juniper.example"}, false},
		{"api gateway flattened groups", map[string]any{"sub": "u2", "cognito:groups": "[studio]"},
			lot.Principal{Subject: "u2", Name: "u2", Role: lot.RoleStudio}, false},
		{"machine client scopes", map[string]any{"sub": "abc", "client_id": "abc", "scope": "openlot/role.fp openlot/partner.lumen openlot/cancel other/x"},
			lot.Principal{Subject: "abc", Name: "abc", Role: lot.RoleFP, Partner: "lumen", Permissions: []lot.Permission{lot.PermCancel}}, false},
		{"cognito machine client granted reading only", map[string]any{"sub": "abc", "client_id": "abc", "scope": "openlot/role.fp openlot/partner.lumen openlot/read"},
			lot.Principal{Subject: "abc", Name: "abc", Role: lot.RoleFP, Partner: "lumen", ReadOnly: true}, false},
		{"cognito machine client granted reading and writing", map[string]any{"sub": "abc", "client_id": "abc", "scope": "openlot/role.fp openlot/partner.lumen openlot/read openlot/write"},
			lot.Principal{Subject: "abc", Name: "abc", Role: lot.RoleFP, Partner: "lumen"}, false},
		{"round trip read-only", auth.Claims(lot.Principal{Subject: "qc-1", Name: "QC", Role: lot.RoleQC, ReadOnly: true}),
			lot.Principal{Subject: "qc-1", Name: "QC", Role: lot.RoleQC, ReadOnly: true}, false},
		{"round trip", auth.Claims(lot.Principal{Subject: "cp-northstar", Name: "Northstar", Role: lot.RoleCP, Partner: "northstar", Email: "ops@northstar.example"}),
			lot.Principal{Subject: "cp-northstar", Name: "Northstar", Role: lot.RoleCP, Partner: "northstar", Email: "ops@northstar.example"}, false},
		{"an email that is not one is left out", map[string]any{"sub": "u3", "email": "not an address", "cognito:groups": []any{"qc"}},
			lot.Principal{Subject: "u3", Name: "not an address", Role: lot.RoleQC}, false},
		{"no subject", map[string]any{"cognito:groups": []any{"qc"}}, lot.Principal{}, true},
		{"no role", map[string]any{"sub": "x"}, lot.Principal{}, true},
		{"two roles", map[string]any{"sub": "x", "cognito:groups": []any{"fp", "studio"}, "custom:partner": "juniper"}, lot.Principal{}, true},
		{"fp without partner", map[string]any{"sub": "x", "cognito:groups": []any{"fp"}}, lot.Principal{}, true},
		{"fp with bad partner", map[string]any{"sub": "x", "cognito:groups": []any{"fp"}, "custom:partner": "Robert'); DROP"}, lot.Principal{}, true},
	}
	for _, c := range cases {
		got, err := auth.FromClaims(c.claims)
		if c.err {
			if lot.ErrorCode(err) != lot.CodeUnauthorized {
				t.Errorf("%s: got %+v, %v; want unauthorized", c.name, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v; want %+v", c.name, err, c.want)
			continue
		}
		if got.Subject != c.want.Subject {
			t.Errorf("%s: Subject %q, want %q", c.name, got.Subject, c.want.Subject)
		}
		if got.Name != c.want.Name {
			t.Errorf("%s: Name %q, want %q", c.name, got.Name, c.want.Name)
		}
		if got.Role != c.want.Role {
			t.Errorf("%s: Role %q, want %q", c.name, got.Role, c.want.Role)
		}
		if got.Partner != c.want.Partner {
			t.Errorf("%s: Partner %q, want %q", c.name, got.Partner, c.want.Partner)
		}
		if got.Email != c.want.Email {
			t.Errorf("%s: Email %q, want %q", c.name, got.Email, c.want.Email)
		}
		if got.ReadOnly != c.want.ReadOnly {
			t.Errorf("%s: ReadOnly %v, want %v", c.name, got.ReadOnly, c.want.ReadOnly)
		}
		if !slices.Equal(got.Permissions, c.want.Permissions) {
			t.Errorf("%s: Permissions %v, want %v", c.name, got.Permissions, c.want.Permissions)
		}
	}
}
