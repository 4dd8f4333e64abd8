package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seminarkit/seminar"
	smail "github.com/seminarkit/seminar/mail"
)

func TestRecorder_Send(t *testing.T) {
	r := &smail.Recorder{}
	msg := international()
	raw, err := r.Compose(msg)
	require.NoError(t, err)
	env := seminar.Envelope{From: "bounces@example.org", To: []string{"a@example.org", "b@example.org"}}

	res, err := r.Send(context.Background(), env, raw)
	require.NoError(t, err)
	assert.Equal(t, env.To, res.Accepted)
	assert.Empty(t, res.Refused)

	sent := r.Messages()
	require.Len(t, sent, 1)
	assert.Equal(t, env, sent[0].Envelope)
	assert.Equal(t, env.To, sent[0].Accepted)
	assert.Equal(t, raw, sent[0].Raw)
	assert.Equal(t, msg.Subject, sent[0].Subject(), "Subject decodes")
	assert.Equal(t, "<"+msg.MessageID+">", sent[0].Header.Get("Message-ID"))
	assert.Equal(t, "auto-generated", sent[0].Header.Get("Auto-Submitted"))
}

func TestRecorder_MessagesAreCopies(t *testing.T) {
	r := &smail.Recorder{}
	env, raw := composeSeed(t)
	_, err := r.Send(context.Background(), env, raw)
	require.NoError(t, err)
	want := string(raw)

	raw[0] = 'X' // the caller reuses its buffer
	env.To[0] = "changed@example.org"
	got := r.Messages()
	got[0].Raw[1] = 'Y'
	got[0].Envelope.To[1] = "changed@example.org"
	got[0].Accepted[0] = "changed@example.org"
	got[0].Header["Subject"][0] = "changed"

	again := r.Messages()[0]
	assert.Equal(t, want, string(again.Raw))
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, again.Envelope.To)
	assert.Equal(t, []string{"seminars@csail.mit.edu", "vision-meeting@csail.mit.edu"}, again.Accepted)
	assert.Equal(t, seedReminder().Subject, again.Subject())
}

func TestRecorder_ScriptedFailures(t *testing.T) {
	temporary := fmt.Errorf("451 greylisted: %w", seminar.ErrTemporary)
	permanent := fmt.Errorf("554 rejected: %w", seminar.ErrPermanent)
	tests := []struct {
		name     string
		recorder func() *smail.Recorder
		envs     [][]string // the recipients of each Send
		want     []error    // each Send's error
		results  [][]int    // the refusal codes of each Send's result, nil for no result
		recorded int
	}{
		{
			name: "FailNext in order, nil goes through",
			recorder: func() *smail.Recorder {
				r := &smail.Recorder{}
				r.FailNext(temporary, nil, permanent)
				return r
			},
			envs:     [][]string{{"a@example.org"}, {"a@example.org"}, {"a@example.org"}, {"a@example.org"}},
			want:     []error{seminar.ErrTemporary, nil, seminar.ErrPermanent, nil},
			results:  [][]int{nil, {}, nil, {}},
			recorded: 2,
		},
		{
			name: "Fail decides by envelope",
			recorder: func() *smail.Recorder {
				return &smail.Recorder{Fail: func(env seminar.Envelope) error {
					if env.To[0] == "down@example.org" {
						return temporary
					}
					return nil
				}}
			},
			envs:     [][]string{{"down@example.org"}, {"up@example.org"}},
			want:     []error{seminar.ErrTemporary, nil},
			results:  [][]int{nil, {}},
			recorded: 1,
		},
		{
			name: "Refuse some, then all",
			recorder: func() *smail.Recorder {
				return &smail.Recorder{Refuse: func(addr string) *seminar.RecipientError {
					switch {
					case strings.HasPrefix(addr, "gone"):
						return &seminar.RecipientError{Code: 550, Message: "no such user"}
					case strings.HasPrefix(addr, "full"):
						return &seminar.RecipientError{Code: 452, Message: "mailbox full"}
					}
					return nil
				}}
			},
			envs: [][]string{
				{"a@example.org", "gone@example.org"},
				{"gone@example.org", "gone2@example.org"},
				{"gone@example.org", "full@example.org"},
			},
			want:     []error{nil, seminar.ErrPermanent, seminar.ErrTemporary},
			results:  [][]int{{550}, {550, 550}, {550, 452}},
			recorded: 1,
		},
	}
	_, raw := composeSeed(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.recorder()
			for i, to := range tt.envs {
				res, err := r.Send(context.Background(), seminar.Envelope{To: to}, raw)
				if tt.want[i] == nil {
					assert.NoError(t, err, "send %d", i)
				} else {
					assert.ErrorIs(t, err, tt.want[i], "send %d", i)
				}
				if tt.results[i] == nil {
					assert.Nil(t, res, "send %d", i)
					continue
				}
				require.NotNil(t, res, "send %d", i)
				codes := []int{}
				for _, refusal := range res.Refused {
					codes = append(codes, refusal.Code)
					assert.NotEmpty(t, refusal.Address)
				}
				assert.Equal(t, tt.results[i], codes, "send %d refusals", i)
			}
			assert.Len(t, r.Messages(), tt.recorded)
		})
	}
}

func TestRecorder_RefusesWhatAServerWould(t *testing.T) {
	r := &smail.Recorder{}
	_, raw := composeSeed(t)
	_, err := r.Send(context.Background(), seminar.Envelope{To: []string{"a@example.org"}}, []byte("not a message"))
	assert.ErrorIs(t, err, seminar.ErrInvalid)
	assert.ErrorIs(t, err, seminar.ErrPermanent)
	_, err = r.Send(context.Background(), seminar.Envelope{}, raw)
	assert.ErrorIs(t, err, seminar.ErrInvalid)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = r.Send(ctx, seminar.Envelope{To: []string{"a@example.org"}}, raw)
	assert.ErrorIs(t, err, seminar.ErrTemporary)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, r.Messages())
}

func TestRecorder_Concurrent(t *testing.T) {
	var failed sync.Map
	r := &smail.Recorder{Fail: func(env seminar.Envelope) error {
		if _, again := failed.LoadOrStore(env.To[0], true); !again {
			return fmt.Errorf("first try: %w", seminar.ErrTemporary)
		}
		return nil
	}}
	_, raw := composeSeed(t)
	const senders = 20
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			env := seminar.Envelope{To: []string{fmt.Sprintf("user%d@example.org", i)}}
			for {
				_, err := r.Send(context.Background(), env, raw)
				if !errors.Is(err, seminar.ErrTemporary) {
					assert.NoError(t, err)
					return
				}
			}
		})
	}
	wg.Wait()
	sent := r.Messages()
	assert.Len(t, sent, senders, "each sender's message recorded once")
	r.Reset()
	assert.Empty(t, r.Messages())
}

// ExampleRecorder shows a test of one's own code that sends through a
// seminar.Mailer, failing the first attempt as a greylisting server would.
func ExampleRecorder() {
	rec := &smail.Recorder{}
	rec.FailNext(fmt.Errorf("451 greylisted: %w", seminar.ErrTemporary))

	var mailer seminar.Mailer = rec // what the code under test holds
	raw, _ := mailer.Compose(seedReminder())
	env := seminar.Envelope{From: "bounces@csail.mit.edu", To: []string{"seminars@csail.mit.edu"}}
	for attempt := 1; ; attempt++ {
		_, err := mailer.Send(context.Background(), env, raw)
		fmt.Printf("attempt %d: temporary=%v\n", attempt, errors.Is(err, seminar.ErrTemporary))
		if err == nil {
			break
		}
	}
	for _, s := range rec.Messages() {
		fmt.Println(s.Envelope.To, s.Subject())
	}
	// Output:
	// attempt 1: temporary=true
	// attempt 2: temporary=false
	// [seminars@csail.mit.edu] TALK: A picture of the energy landscape of deep neural networks
}
