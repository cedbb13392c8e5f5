package report

// RollupColumn is the side and the column of the rollups that hold part of figure
// id, ok false when the figure is not read from the rollups (or has no such part):
// what a page counting a figure of its own way (研判, 考评) reads instead of the cases.
func RollupColumn(id string, part Part) (side, column string, ok bool) {
	rp, ok := rollupParts[id]
	if !ok {
		return "", "", false
	}
	column = rp.num
	if part == Den {
		column = rp.den
	}
	return rp.side, column, column != ""
}
