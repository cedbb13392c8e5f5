package model

// RepeatWindowDays is how far back a case's applicant is looked for among earlier
// cases: an applicant with another case registered in the 90 days before is a
// repeat visitor (重复来访), the window the warning rules count history over.
const RepeatWindowDays = 90

// RepeatPeopleMin is how many cases in RepeatWindowDays make a person one who keeps
// coming back (研判: 反复来访人员).
const RepeatPeopleMin = 3

// PartyKey is who a party is, for telling the same person's cases apart from
// others': the normalised ID number when the party has one, else the phone, else
// the name with the address (empty when the party has none of these, or a name
// without an address — too little to say two records are one person). Two parties
// are the same person when their keys are equal; a person recorded once with an ID
// number and once by phone alone are two keys. Only the parties who bring a matter
// count (ComingRole): its applicants and a group's representatives.
func PartyKey(p Party) string {
	switch {
	case p.IDNumber != "":
		return "i:" + p.IDNumber
	case p.Phone != "":
		return "p:" + p.Phone
	case p.Name != "" && p.Address != "":
		return "n:" + p.Name + "|" + p.Address
	}
	return ""
}

// ComingRole tells the roles of the parties who bring a matter to the centre (来访人):
// the applicants and a group's representatives. A respondent met again is not a
// repeat visitor.
func ComingRole(r PartyRole) bool { return r == PartyApplicant || r == PartyRepresentative }
