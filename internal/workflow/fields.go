package workflow

// needFields names, for the refusals about missing or invalid input, the input field
// the actor must fill in; forms and the API point at it.
var needFields = map[string]string{
	RefuseReasonRequired:        "note",
	RefuseOutcomeRequired:       "outcome",
	RefuseOutcomeInvalid:        "outcome",
	RefuseSatisfactionRequired:  "satisfaction",
	RefuseSatisfactionInvalid:   "satisfaction",
	RefuseDepartmentRequired:    "lead_department_id",
	RefuseCoDepartmentsRequired: "co_department_ids",
	RefuseMergeIntoRequired:     "merge_into",
	RefuseIncidentRequired:      "incident",
	RefuseIncidentInvalid:       "incident",
	RefuseWarningLevelRequired:  "warning_level",
}

// Field returns the input field a refusal is about, or "" when it is about the case's
// state, the actor's role or the case's facts rather than something to fill in.
func (r *Refusal) Field() string { return needFields[r.Code] }
