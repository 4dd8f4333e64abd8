package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar/store/internal/sqlstore"
)

// fakeSchema records what Migrate applies.
type fakeSchema struct {
	version int
	applied []string
	fail    string // the name of a migration whose Apply fails
}

func (s *fakeSchema) Version(context.Context) (int, error) { return s.version, nil }

func (s *fakeSchema) Apply(_ context.Context, m sqlstore.Migration, _ int) error {
	if m.Name == s.fail {
		return errors.New("broken")
	}
	s.applied = append(s.applied, m.Name)
	s.version = m.Version
	return nil
}

var threeMigrations = fstest.MapFS{
	"0002_two.sql":   {Data: []byte("two")},
	"0001_one.sql":   {Data: []byte("one")},
	"0003_three.sql": {Data: []byte("three")},
}

func TestLoadMigrations_OrdersByVersion(t *testing.T) {
	ms, err := sqlstore.LoadMigrations(threeMigrations)
	require.NoError(t, err)
	assert.Equal(t, []sqlstore.Migration{
		{Version: 1, Name: "0001_one.sql", SQL: "one"},
		{Version: 2, Name: "0002_two.sql", SQL: "two"},
		{Version: 3, Name: "0003_three.sql", SQL: "three"},
	}, ms)
}

func TestLoadMigrations_RejectsBadSets(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"0001_a.sql": {}, "0003_c.sql": {}},
		"repeat":    {"0001_a.sql": {}, "0001_b.sql": {}},
		"bad name":  {"0001_a.sql": {}, "two.sql": {}},
		"not first": {"0002_b.sql": {}},
		"directory": {"0001_a.sql": {}, "0002_b.sql/x": {}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlstore.LoadMigrations(fsys)
			assert.Error(t, err, "a set of migrations that is not 1, 2, 3, ... must be refused")
		})
	}
}

func TestMigrate_AppliesOnlyWhatIsMissing(t *testing.T) {
	ms, err := sqlstore.LoadMigrations(threeMigrations)
	require.NoError(t, err)
	s := &fakeSchema{version: 1}
	require.NoError(t, sqlstore.Migrate(t.Context(), s, ms))
	assert.Equal(t, []string{"0002_two.sql", "0003_three.sql"}, s.applied, "Migrate must apply, in order, the migrations past the version")

	s.applied = nil
	require.NoError(t, sqlstore.Migrate(t.Context(), s, ms))
	assert.Empty(t, s.applied, "an up-to-date database must get no migration")
}

func TestMigrate_StopsAtAFailure(t *testing.T) {
	ms, err := sqlstore.LoadMigrations(threeMigrations)
	require.NoError(t, err)
	s := &fakeSchema{fail: "0002_two.sql"}
	assert.Error(t, sqlstore.Migrate(t.Context(), s, ms))
	assert.Equal(t, []string{"0001_one.sql"}, s.applied, "no migration may run after one that failed")
}

func TestMigrate_RefusesANewerSchema(t *testing.T) {
	ms, err := sqlstore.LoadMigrations(threeMigrations)
	require.NoError(t, err)
	s := &fakeSchema{version: 7}
	err = sqlstore.Migrate(t.Context(), s, ms)
	require.ErrorIs(t, err, sqlstore.ErrNewerSchema)
	assert.ErrorContains(t, err, "schema version 7")
	assert.ErrorContains(t, err, "versions up to 3")
	assert.Empty(t, s.applied, "a newer schema must be left as it is")
}

// recordingTx records what a migration runs.
type recordingTx struct{ ran []string }

func (tx *recordingTx) Exec(_ context.Context, sql string, _ ...any) error {
	tx.ran = append(tx.ran, sql)
	return nil
}

func (tx *recordingTx) Query(context.Context, string, ...any) (sqlstore.Rows, error) {
	return nil, errors.New("no rows here")
}

func TestMigration_Run_RunsStepsWhereNamed(t *testing.T) {
	fsys := fstest.MapFS{"0001_one.sql": {Data: []byte("CREATE a;\n-- step: fill\nUPDATE a;\n-- step: check \nDROP b;\n")}}
	step := func(name string) sqlstore.Step {
		return sqlstore.Step{Name: name, Run: func(ctx context.Context, tx sqlstore.MigrationTx) error {
			return tx.Exec(ctx, "step "+name)
		}}
	}
	ms, err := sqlstore.LoadMigrations(fsys, step("fill"), step("check"), step("unused"))
	require.NoError(t, err)
	tx := &recordingTx{}
	require.NoError(t, ms[0].Run(t.Context(), tx))
	assert.Equal(t, []string{"CREATE a;\n", "step fill", "\nUPDATE a;\n", "step check", "\nDROP b;\n"}, tx.ran,
		"a Go step must run where its line stands in the SQL, between the SQL above and below it")
}

func TestMigration_Run_StopsAtAFailedStep(t *testing.T) {
	fsys := fstest.MapFS{"0001_one.sql": {Data: []byte("CREATE a;\n-- step: fail\nUPDATE a;\n")}}
	ms, err := sqlstore.LoadMigrations(fsys, sqlstore.Step{Name: "fail", Run: func(context.Context, sqlstore.MigrationTx) error {
		return errors.New("broken")
	}})
	require.NoError(t, err)
	tx := &recordingTx{}
	err = ms[0].Run(t.Context(), tx)
	assert.ErrorContains(t, err, "step fail: broken", "a failed step's error must name the step")
	assert.Equal(t, []string{"CREATE a;\n"}, tx.ran, "no SQL may run after a failed step")
}

func TestLoadMigrations_RefusesAnUnknownStep(t *testing.T) {
	fsys := fstest.MapFS{"0001_one.sql": {Data: []byte("CREATE a;\n-- step: fill\n")}}
	_, err := sqlstore.LoadMigrations(fsys, sqlstore.Step{Name: "other", Run: func(context.Context, sqlstore.MigrationTx) error { return nil }})
	assert.ErrorContains(t, err, `names step "fill"`, "a migration naming a Go step the store lacks must be refused, not run without it")
}
