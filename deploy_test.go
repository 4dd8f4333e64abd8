package seminar_test

import (
	"testing"

	"github.com/seminarkit/seminar"
	"github.com/seminarkit/seminar/internal/deploytest"
	"github.com/seminarkit/seminar/store/memstore"
)

func TestDeployments_sendTheSame(t *testing.T) {
	deploytest.Run(t, func(*testing.T) (seminar.Store, seminar.Store) {
		s := memstore.New()
		return s, s
	})
}
