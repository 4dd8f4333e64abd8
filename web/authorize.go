package web

import (
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"

	"github.com/seminarkit/seminar"
)

// viewer is one request as authorization sees it. Pages differ between
// viewers only by what Authorize allows, so the class of a page (which
// buttons, which non-public events) is part of its cache key, and anonymous
// visitors, whose class is empty, share one rendering.
type viewer struct {
	h *Handler
	r *http.Request
}

// can reports whether the request may take action a on e.
func (v viewer) can(a Action, e *seminar.Event) bool {
	if v.h.authorize == nil {
		return false
	}
	err := v.h.authorize(v.r, a, e)
	if err != nil && v.h.log.Enabled(v.r.Context(), slog.LevelDebug) {
		id := ""
		if e != nil {
			id = e.ID
		}
		v.h.log.LogAttrs(v.r.Context(), slog.LevelDebug, "web: not authorized",
			slog.String("action", string(a)), slog.String("event", id), slog.Any("reason", err))
	}
	return err == nil
}

// sees reports whether the request may see e at all. A non-public event is
// checked here, on the event itself, whatever a Store's filter did.
func (v viewer) sees(e *seminar.Event) bool {
	return e.Public || v.can(ActionView, e)
}

// creates reports whether the request may add events: the site's menu
// then offers it.
func (v viewer) creates() bool { return v.can(ActionCreate, nil) }

// visible returns the events of l the request may see, and the class they
// give its page: empty when it sees only public ones, otherwise a digest of
// the non-public ones it sees. l is not modified.
func (v viewer) visible(l *listing) ([]*seminar.Event, string) {
	list := l.events
	if l.public {
		return list, ""
	}
	var (
		shown   []*seminar.Event
		private []string
	)
	for i, e := range list {
		if e.Public {
			if shown != nil {
				shown = append(shown, e)
			}
			continue
		}
		if shown == nil {
			shown = append(make([]*seminar.Event, 0, len(list)), list[:i]...)
		}
		if v.h.authorize != nil && v.can(ActionView, e) {
			shown = append(shown, e)
			private = append(private, e.ID)
		}
	}
	if shown == nil {
		shown = list
	}
	if len(private) == 0 {
		return shown, ""
	}
	return shown, digest(private)
}

// digest names a set of event IDs in a cache key.
func digest(ids []string) string {
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return "v" + base64.RawURLEncoding.EncodeToString(sum[:15])
}

// class joins the parts of a page's authorization class: flags (such as
// "n" for a viewer who may create) and digests; all empty is anonymous.
func class(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return ""
	}
	return strings.Join(parts, ".")
}

// eventRights is what the request may do with one event.
type eventRights struct {
	View, Edit, Cancel, Preview, Send bool
}

func (v viewer) rights(e *seminar.Event) eventRights {
	if v.h.authorize == nil {
		return eventRights{}
	}
	return eventRights{
		View:    !e.Public && v.can(ActionView, e),
		Edit:    v.can(ActionEdit, e),
		Cancel:  v.can(ActionCancel, e),
		Preview: v.can(ActionPreview, e),
		Send:    v.can(ActionSend, e),
	}
}

func (r eventRights) flags() string {
	var b []byte
	for _, f := range []struct {
		set  bool
		flag byte
	}{{r.View, 'v'}, {r.Edit, 'e'}, {r.Cancel, 'c'}, {r.Preview, 'p'}, {r.Send, 's'}} {
		if f.set {
			b = append(b, f.flag)
		}
	}
	return string(b)
}

func flag(set bool, f string) string {
	if set {
		return f
	}
	return ""
}
