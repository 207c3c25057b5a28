package demo

import (
	"slices"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// told is a story to tell and the status it ends in.
type told struct {
	*story
	want lot.RequestStatus
}

// primaryPoll is how often inspection of a secondary asset looks again
// whether its title's primary video is processed (the inspection flow's
// Wait, portal.PrimaryPollSeconds).
const primaryPoll = 300 * time.Second

// isPrimary reports whether r asks for a title's primary video, which its
// secondary assets (dubs, subtitles) wait for (as the inspection flow's
// first step sees it).
func isPrimary(r *lot.Request) bool {
	return r.SourceType == lot.SourceAVMuxed || r.SourceType == lot.SourceIMF || r.SourceType == lot.SourceNonIMFDelivery
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// statusAt is a request's status from a moment on.
type statusAt struct {
	at     time.Time
	status lot.RequestStatus
}

// primaries are the status lines of a title's primary video requests,
// from their histories: what inspection of the title's secondary assets
// asks at a given moment.
type primaries [][]statusAt

// primariesOf reads the status lines of the primary requests among rs
// (all of one title, their histories not stored yet).
func primariesOf(rs []*lot.Request) primaries {
	var out primaries
	for _, r := range rs {
		if !isPrimary(r) {
			continue
		}
		var line []statusAt
		for _, e := range r.Pending() {
			if e.Field == "status" {
				line = append(line, statusAt{e.At, lot.RequestStatus(e.After)})
			}
		}
		out = append(out, line)
	}
	return out
}

// waits reports whether a secondary asset's inspection waits at t: some
// primary request exists (created, not cancelled) and none is processed.
func (p primaries) waits(t time.Time) bool {
	exists := false
	for _, line := range p {
		status := lot.RequestStatus("")
		for _, s := range line {
			if s.at.After(t) {
				break
			}
			status = s.status
		}
		switch status {
		case "", lot.StatusCancelled:
		case lot.StatusProcessed:
			return false
		default:
			exists = true
		}
	}
	return exists
}

// until is when inspection that began waiting at from goes on: the first
// of its looks (every primaryPoll) that finds no reason to wait. It
// reports false when that is after end.
func (p primaries) until(from, end time.Time) (time.Time, bool) {
	var changes []time.Time
	for _, line := range p {
		for _, s := range line {
			if s.at.After(from) {
				changes = append(changes, s.at)
			}
		}
	}
	slices.SortFunc(changes, func(a, b time.Time) int { return a.Compare(b) })
	for _, c := range changes {
		look := from.Add((c.Sub(from) + primaryPoll - 1) / primaryPoll * primaryPoll)
		if look.After(end) {
			break
		}
		if !p.waits(look) {
			return look, true
		}
	}
	return time.Time{}, false
}
