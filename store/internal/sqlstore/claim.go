package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seminarkit/seminar"
)

// CheckClaim refuses the arguments of a ClaimDue that the Outbox contract
// rules out: limit and lease must be positive. The error matches
// seminar.ErrInvalid; the store adds its own prefix.
func CheckClaim(limit int, lease time.Duration) error {
	switch {
	case limit <= 0:
		return fmt.Errorf("%w: limit %d is not positive", seminar.ErrInvalid, limit)
	case lease <= 0:
		return fmt.Errorf("%w: lease %s is not positive", seminar.ErrInvalid, lease)
	}
	return nil
}

// SortClaimed puts claimed deliveries in the order ClaimDue returns them,
// by DueAt, then ID. An UPDATE ... RETURNING gives rows in no defined order,
// whatever ORDER BY chose them.
func SortClaimed(ds []*seminar.Delivery) {
	slices.SortFunc(ds, func(a, b *seminar.Delivery) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
