package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/seminarkit/seminar"
)

// SeriesIDs returns the ID of the series that each of names becomes, names
// being the distinct non-empty values that events.series held as free text
// before series were kept: the ID of a series, as the Calendar makes it, is
// the seminar.Slug of its name. Names that slug alike ("Vision" and
// "vision") get IDs apart, by a rule that depends on the names alone, so
// that migrating the same events twice gives the same IDs:
//
//   - a name that is its own slug ("vision", "vision-2") keeps it, so the
//     events that hold it keep their Series as it was;
//   - the other names, in byte order, each take the first of slug,
//     slug-2, slug-3, ... that no name took before;
//   - a name that slugs to "" ("???") counts as slugging to "series";
//   - an ID is at most seminar.MaxSeriesIDLen bytes long, as the Calendar
//     asks: a longer slug is cut (and its suffix kept).
func SeriesIDs(names []string) map[string]string {
	ids := make(map[string]string, len(names))
	taken := make(map[string]bool, len(names))
	var rest []string
	for _, name := range names {
		if seminar.Slug(name) == name && len(name) <= seminar.MaxSeriesIDLen {
			ids[name], taken[name] = name, true
		} else {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		base := seminar.Slug(name)
		if base == "" {
			base = "series"
		}
		id := seriesID(base, 1)
		for n := 2; taken[id]; n++ {
			id = seriesID(base, n)
		}
		ids[name], taken[id] = id, true
	}
	return ids
}

// seriesID returns the n-th candidate ID of a series whose slug is base:
// base, then base-2, base-3, ..., base cut to keep the ID within
// seminar.MaxSeriesIDLen bytes (a slug is ASCII).
func seriesID(base string, n int) string {
	suffix := ""
	if n > 1 {
		suffix = "-" + strconv.Itoa(n)
	}
	if len(base)+len(suffix) > seminar.MaxSeriesIDLen {
		base = strings.TrimRight(base[:seminar.MaxSeriesIDLen-len(suffix)], "-")
	}
	return base + suffix
}

// SeriesSlugs returns the Go step "series_slugs" of the migration that
// makes series of the free-text values of events.series. It writes every
// distinct non-empty value, with the ID SeriesIDs gives it, into the table
// series_slugs (name, id) that the migration made before the step; the
// SQL after the step makes the series and points the events at them.
func SeriesSlugs() Step {
	return Step{Name: "series_slugs", Run: writeSeriesSlugs}
}

func writeSeriesSlugs(ctx context.Context, tx MigrationTx) error {
	names, err := distinctSeries(ctx, tx)
	if err != nil {
		return err
	}
	for name, id := range SeriesIDs(names) {
		if err := tx.Exec(ctx, "INSERT INTO series_slugs (name, id) VALUES ($1, $2)", name, id); err != nil {
			return err
		}
	}
	return nil
}

// distinctSeries returns the distinct non-empty values of events.series.
func distinctSeries(ctx context.Context, tx MigrationTx) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT DISTINCT series FROM events WHERE series <> ''")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}
