package api

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/onedoor/onedoor/internal/adapters"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// receiveOrder takes one work order a platform pushes (docs/platforms.md). The caller
// is no user: the request is the platform's when it carries a fresh timestamp and the
// HMAC signature of the platform's shared secret over timestamp.body, in the headers
// the platform is configured with. It answers 201 with the new case's tracking code,
// 200 with the same for an order received before, 202 for an order parked until its
// codes are mapped; a refusal names the header or the order's member at fault.
func (a *API) receiveOrder(w http.ResponseWriter, r *http.Request) {
	if err := a.takeOrder(w, r); err != nil {
		httpx.WriteError(w, r, err)
	}
}

func (a *API) takeOrder(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.ReadQuery(r); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := a.Store.PlatformByCode(ctx, r.PathValue("platform"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !p.Active {
		return httpx.Errorf(r, http.StatusNotFound, "unknown_platform", "platform")
	}
	if err != nil {
		return err
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return httpx.Errorf(r, http.StatusUnsupportedMediaType, "unsupported_media_type", "")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return httpx.Errorf(r, http.StatusRequestEntityTooLarge, "body_too_large", "", tooBig.Limit)
		}
		return httpx.Errorf(r, http.StatusBadRequest, "malformed_json", "", "unreadable body")
	}
	switch err := adapters.Verify(p.Secret, r.Header.Get(p.TimestampHeader), r.Header.Get(p.SignatureHeader), body, a.Adapters.Now()); {
	case errors.Is(err, adapters.ErrNoTimestamp):
		return httpx.Errorf(r, http.StatusUnauthorized, "bad_timestamp", p.TimestampHeader, p.TimestampHeader)
	case errors.Is(err, adapters.ErrStale):
		return httpx.Errorf(r, http.StatusUnauthorized, "stale_timestamp", p.TimestampHeader, p.TimestampHeader, int(adapters.MaxSkew.Minutes()))
	case errors.Is(err, adapters.ErrNoSignature):
		return httpx.Errorf(r, http.StatusUnauthorized, "missing_signature", p.SignatureHeader, p.SignatureHeader)
	case err != nil:
		return httpx.Errorf(r, http.StatusUnauthorized, "bad_signature", p.SignatureHeader, p.SignatureHeader)
	}
	ctx = store.WithActor(ctx, store.Actor{IP: httpx.ClientIP(r)})
	rec, err := a.Adapters.Receive(ctx, p, body)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	switch {
	case rec.State == store.OrderParked:
		status = http.StatusAccepted
	case rec.Existing:
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, rec)
	return nil
}
