package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

func TestSeriesIDs(t *testing.T) {
	for _, tt := range []struct {
		name string
		want map[string]string
	}{
		{"none", map[string]string{}},
		{"slugs", map[string]string{"Vision Seminar": "vision-seminar", "Séminaire d'Algèbre": "seminaire-d-algebre"}},
		{"a slug keeps itself", map[string]string{"theory": "theory", "Theory": "theory-2"}},
		{"collisions in byte order", map[string]string{"VISION": "vision-2", "Vision": "vision-3", "vision": "vision", "vision!": "vision-4"}},
		{"a slug taken by a name that is one", map[string]string{"Vision": "vision-3", "vision": "vision", "vision-2": "vision-2"}},
		{"a base taken by a name that is one", map[string]string{"Vision 2": "vision-2-2", "vision-2": "vision-2"}},
		{"no letter or digit", map[string]string{"???": "series-2", "!!!": "series", "Series": "series-3"}},
		{"series is a slug", map[string]string{"???": "series-2", "series": "series"}},
		{"long names", map[string]string{
			strings.Repeat("A", 130):             strings.Repeat("a", 100),
			strings.Repeat("a", 120):             strings.Repeat("a", 98) + "-2", // too long to keep itself
			strings.Repeat("ab ", 60):            strings.Repeat("ab-", 33) + "a",
			"Long " + strings.Repeat("ab ", 60):  "long-" + strings.Repeat("ab-", 31) + "ab",
			"Long, " + strings.Repeat("ab ", 60): "long-" + strings.Repeat("ab-", 30) + "ab-2", // cut at a dash
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			for name := range tt.want {
				names = append(names, name)
			}
			assert.Equal(t, tt.want, sqlstore.SeriesIDs(names), "each name must get the ID of the collision rule")
			// The order the database lists the names in must not matter.
			for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
				names[i], names[j] = names[j], names[i]
			}
			assert.Equal(t, tt.want, sqlstore.SeriesIDs(names), "the IDs must not depend on the order of the names")
		})
	}
}
