package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// FrameText returns the visible text (document.body.innerText) of the
// document shown in the iframe that the CSS selector finds.
//
// It works for a sandboxed srcdoc iframe without allow-same-origin, such as
// a mail preview: the frame's origin is opaque, so the page itself cannot
// read iframe.contentDocument. The text is read the way developer tools
// read it, inside the frame: in an isolated world of the frame when the
// frame runs in the page's process, or in the frame's own target when
// Chromium isolates it in a process of its own (as it may do for
// sandboxed frames).
func (p *Page) FrameText(selector string) string {
	p.t.Helper()
	frameID, err := chromedp.Run(p.ctx, frameOf(selector))
	if err != nil {
		p.fatal("find the frame of "+selector, err)
	}
	text, err := p.frameText(frameID)
	if err != nil {
		p.fatal("read the text of the frame of "+selector, err)
	}
	return text
}

// frameOf returns the ID of the frame an iframe element shows.
func frameOf(selector string) chromedp.Action[cdp.FrameID] {
	return chromedp.QueryAfter(chromedp.CSS(selector), func(ctx context.Context, t *chromedp.Target, nodes []*chromedp.Node) (cdp.FrameID, error) {
		res, err := cdp.Call(ctx, t, dom.DescribeNode, dom.DescribeNodeParams{NodeID: nodes[0].NodeID})
		if err != nil {
			return "", err
		}
		if res.Node.FrameID == "" {
			return "", fmt.Errorf("%s is a <%s>, not a frame", selector, res.Node.LocalName)
		}
		return res.Node.FrameID, nil
	}, chromedp.NodeReady)
}

// innerText is evaluated in the frame once its document has loaded.
const innerText = `document.readyState === "complete" && document.body ? document.body.innerText : null`

// frameText reads the frame's text, waiting for its document to load and,
// when Chromium moves the frame to a process of its own, for that target
// to show.
func (p *Page) frameText(id cdp.FrameID) (string, error) {
	var isolated func() (*string, error)
	for {
		read := isolated
		if read == nil {
			own, err := p.isolatedFrame(id)
			if err != nil {
				return "", err
			}
			if own {
				ctx, cancel := chromedp.NewContext(p.ctx, chromedp.WithTargetID(target.ID(id)), chromedp.WithDetachOnCancel())
				defer cancel()
				isolated = func() (*string, error) {
					return chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (*string, error) {
						return evaluate(ctx, t, 0)
					})
				}
				read = isolated
			}
		}
		if read == nil {
			read = p.inProcessFrame(id)
		}
		text, err := read()
		if err == nil && text != nil {
			return *text, nil
		}
		select {
		case <-p.ctx.Done():
			if err == nil {
				err = fmt.Errorf("its document did not load")
			}
			return "", fmt.Errorf("%w: %w", err, p.ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// inProcessFrame reads a frame of the page's own process, in an isolated
// world made in that frame: the world shares the frame's DOM but not its
// scripts, and sits inside the frame's origin, opaque or not.
func (p *Page) inProcessFrame(id cdp.FrameID) func() (*string, error) {
	return func() (*string, error) {
		return chromedp.Run(p.ctx, func(ctx context.Context, t *chromedp.Target) (*string, error) {
			world, err := cdp.Call(ctx, t, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: id, WorldName: "browsertest"})
			if err != nil {
				return nil, err
			}
			return evaluate(ctx, t, world.ExecutionContextID)
		})
	}
}

// isolatedFrame reports whether Chromium runs the frame in a process of its
// own, as a target whose ID is the frame's.
func (p *Page) isolatedFrame(id cdp.FrameID) (bool, error) {
	targets, err := chromedp.Targets(p.ctx)
	if err != nil {
		return false, err
	}
	for _, info := range targets {
		if string(info.TargetID) == string(id) {
			return true, nil
		}
	}
	return false, nil
}

// evaluate reads innerText in the execution context (0: the target's
// main world).
func evaluate(ctx context.Context, t *chromedp.Target, in runtime.ExecutionContextID) (*string, error) {
	res, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{
		Expression: innerText, ContextID: in, ReturnByValue: new(true),
	})
	if err != nil {
		return nil, err
	}
	if res.ExceptionDetails != nil {
		return nil, &chromedp.ExceptionError{ExceptionDetails: res.ExceptionDetails}
	}
	if res.Result == nil || res.Result.Type != "string" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal([]byte(res.Result.Value), &s); err != nil {
		return nil, fmt.Errorf("decoding the frame's text: %w", err)
	}
	return &s, nil
}
