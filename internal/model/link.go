package model

import "time"

// LinkKind is why two cases are linked (关联案件).
type LinkKind string

const (
	LinkLegalAid   LinkKind = "legal_aid"   // 法律援助: the legal-aid case opened for a party
	LinkEarlier    LinkKind = "earlier"     // 既往投诉: an earlier complaint of the same matter
	LinkLitigation LinkKind = "litigation"  // 移送法院: the matter moved to the court (诉讼/司法确认)
	LinkSameMatter LinkKind = "same_matter" // 同一事项: another case about the same matter, kept apart
	LinkOther      LinkKind = "other"       // 其他关联, the reason written out
)

// AllLinkKinds in the order the link form offers them.
var AllLinkKinds = []LinkKind{LinkLegalAid, LinkEarlier, LinkLitigation, LinkSameMatter, LinkOther}

// Valid reports whether k is a known link kind.
func (k LinkKind) Valid() bool {
	for _, x := range AllLinkKinds {
		if x == k {
			return true
		}
	}
	return false
}

// NeedsNote reports whether a link of this kind must say why in words: "other" says
// nothing by itself.
func (k LinkKind) NeedsNote() bool { return k == LinkOther }

// CaseLink links two cases both ways: it shows on both case pages. FromCase is the
// case it was made on, ToCase the one named there.
type CaseLink struct {
	ID        int64     `json:"id"`
	FromCase  int64     `json:"from_case"`
	ToCase    int64     `json:"to_case"`
	Kind      LinkKind  `json:"kind"`
	Note      string    `json:"note,omitempty"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Other is the case at the link's other end, seen from caseID.
func (l CaseLink) Other(caseID int64) int64 {
	if l.FromCase == caseID {
		return l.ToCase
	}
	return l.FromCase
}
