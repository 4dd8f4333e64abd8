package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// The layout around an event's page, templates/layout.html, depends on the
// page only by its title and main part, which eventPage.main writes. So it
// is executed once for each layout (the site, the page's root, this
// month, the menu), with markers where the title and the main part go,
// and kept split at them; a page is then the parts joined with its own
// title and main part, and no template runs.

// shell is the layout split around the title and the main part.
type shell struct{ head, mid, tail string }

// The markers: bytes that html/template writes as they are, and that no
// layout holds.
const (
	titleMarker = "\x01title\x01"
	mainMarker  = "\x01main\x01"
)

// shells keeps the shells made, by layout (its Title empty).
type shells struct {
	mu     sync.Mutex
	byKind map[layout]shell
}

// maxShells bounds how many shells are kept: there are a few for each
// month.
const maxShells = 64

// shell returns the shell of the event page's layout l.
func (h *Handler) shell(l layout) (shell, error) {
	l.Title = ""
	h.shells.mu.Lock()
	s, ok := h.shells.byKind[l]
	h.shells.mu.Unlock()
	if ok {
		return s, nil
	}
	page := &eventPage{layout: l, Main: mainMarker}
	page.Title = titleMarker
	body, err := h.execute("event", page, pageSize)
	if err != nil {
		return shell{}, err
	}
	head, rest, ok1 := strings.Cut(string(body), titleMarker)
	mid, tail, ok2 := strings.Cut(rest, mainMarker)
	if !ok1 || !ok2 || strings.Contains(tail, titleMarker) || strings.Contains(tail, mainMarker) ||
		strings.Contains(mid, titleMarker) {
		return shell{}, fmt.Errorf("web: page event: the layout does not show the title and the main part once each")
	}
	s = shell{head: head, mid: mid, tail: tail}
	h.shells.mu.Lock()
	if h.shells.byKind == nil || len(h.shells.byKind) >= maxShells {
		h.shells.byKind = make(map[layout]shell)
	}
	h.shells.byKind[l] = s
	h.shells.mu.Unlock()
	return s, nil
}

// eventResponse is the response of an event's page: its shell around its
// title and main part.
func (h *Handler) eventResponse(page *eventPage, cls string) (*response, error) {
	s, err := h.shell(page.layout)
	if err != nil {
		return nil, err
	}
	var w htmlWriter
	w.Grow(len(s.head) + len(s.mid) + len(s.tail) + 4096 + len(page.Title) + len(page.Event.Abstract) +
		len(page.Google) + len(page.Outlook) + len(page.Others))
	w.raw(s.head)
	w.text(page.Title)
	w.raw(s.mid)
	page.main(&w)
	w.raw(s.tail)
	return h.newResponse(http.StatusOK, "text/html; charset=utf-8", w.Bytes(), cls), nil
}
