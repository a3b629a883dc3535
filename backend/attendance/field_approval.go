package attendance

// Field-punch approval per group (Group.FieldApproval): a field punch of
// such a group is stored with Review "awaiting" (hashed with the row) and
// counts toward the day only once the head approves it; until then the day
// carries FlagFieldAwaiting. FieldPunch stores it, Review derives the day
// again; these two helpers are all the day derivation needs.

// markAwaiting flags a field punch that was stored waiting for approval;
// call it before the latest review overwrites Review.
func markAwaiting(p *Punch) {
	if p.Method == MethodField && p.Review == ReviewAwaiting {
		p.NeedsApproval = true
	}
}

// countedFacts are the rules engine's facts of a day's effective punches:
// all but field punches still waiting for (or refused) approval; waiting
// reports one still waiting.
func countedFacts(ps []Punch) (facts []PunchFact, waiting bool) {
	for _, x := range ps {
		if x.NeedsApproval && x.Review != ReviewApproved {
			waiting = waiting || x.Review == ReviewAwaiting
			continue
		}
		facts = append(facts, PunchFact{At: x.At, Field: x.Method == MethodField})
	}
	return facts, waiting
}
