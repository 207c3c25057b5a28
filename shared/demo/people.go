package demo

import "github.com/openlot/openlot/shared/lot"

// Person is a demo person who signs in at the portal with Email and Password().
type Person struct {
	Email       string
	Name        string
	Role        lot.Role
	Partner     string
	Permissions []lot.Permission
}

// Password returns the demo person's password, "openlot-" and the email's name.
func (p Person) Password() string {
	for i := range len(p.Email) {
		if p.Email[i] == '@' {
			return "openlot-" + p.Email[:i]
		}
	}
	return "openlot-" + p.Email
}

// People are the demo people: one per role and per demo partner that
// requests are assigned to or made for.
var People = []Person{
	{"ana@juniper.example", "Ana Lima (Juniper Post)", lot.RoleFP, "juniper", []lot.Permission{lot.PermCancel, lot.PermSubassign}},
	{"leo@lumen.example", "Leo Park (Lumen Localization)", lot.RoleFP, "lumen", nil},
	{"nora@northstar.example", "Nora Hale (Northstar Pictures)", lot.RoleCP, "northstar", nil},
	{"sam@studio.example", "Sam Reyes (Studio)", lot.RoleStudio, "", nil},
	{"quinn@qc.example", "Quinn Ito (QC)", lot.RoleQC, "", nil},
}
