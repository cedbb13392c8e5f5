package open311

import (
	"context"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// w3c formats a time as the specification's dates are: ISO 8601 with the zone.
func w3c(t time.Time) string { return t.In(chinaTime).Format(time.RFC3339) }

type discoveryDoc struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// baseURL is the endpoint's absolute URL as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if httpx.IsHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/open311/v2"
}

// centreName names a region's centre.
func centreName(region string) string { return region + "综治中心" }

func (a *API) discovery(w http.ResponseWriter, r *http.Request, f format, _ string) *Error {
	ctx := r.Context()
	changed, err := a.Store.CategoriesChangedAt(ctx)
	if err != nil {
		return a.internal(r, err)
	}
	contact := "综治中心"
	if root, err := a.Store.RootRegion(ctx); err == nil {
		contact = centreName(root.Name)
	}
	doc := discoveryDoc{
		Changeset:  w3c(changed),
		Contact:    contact + "（系统管理员）",
		KeyService: "API 密钥（api_key）是 onedoor 的 API 令牌（odt_…），由系统管理员在「系统管理 → API 令牌」（/admin/tokens）签发。An api_key is an onedoor API token, issued by the centre's administrator at /admin/tokens.",
		Endpoints: []endpoint{{Specification: Specification, URL: baseURL(r), Changeset: w3c(changed), Type: "production",
			Formats: []string{"text/xml", "application/json"}}},
	}
	write(w, f, http.StatusOK, doc)
	return nil
}

type service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

type serviceList struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

// catalogue is one service: a category a request can be filed under.
type catalogue struct {
	service
	Category model.Category
}

// kindName is the Chinese name of a kind of case.
func kindName(k model.CaseKind) string { return i18n.T("zh-CN", "kind."+string(k)) }

// serviceCatalogue lists the services: the active categories one files a case under
// — each second-level category, and each top-level one without active children —
// grouped by their kind, in the dictionary's order.
func (a *API) serviceCatalogue(ctx context.Context) ([]catalogue, error) {
	cats, err := a.Store.Categories(ctx, store.CategoryFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	byID := map[int64]model.Category{}
	hasChild := map[int64]bool{}
	for _, c := range cats {
		byID[c.ID] = c
		if c.ParentID != 0 {
			hasChild[c.ParentID] = true
		}
	}
	var out []catalogue
	for _, c := range cats {
		if hasChild[c.ID] {
			continue
		}
		group := kindName(c.Kind)
		desc, keywords := group+" › "+c.Name, string(c.Kind)
		if c.ParentID != 0 {
			parent, ok := byID[c.ParentID]
			if !ok {
				continue // under an inactive parent
			}
			desc = group + " › " + parent.Name + " › " + c.Name
			keywords += "," + parent.Name
		}
		keywords += "," + group + "," + c.Name
		out = append(out, catalogue{Category: c, service: service{ServiceCode: c.Code, ServiceName: c.Name, Description: desc,
			Metadata: false, Type: "realtime", Keywords: keywords, Group: group}})
	}
	return out, nil
}

func (a *API) services(w http.ResponseWriter, r *http.Request, f format, _ string) *Error {
	cat, err := a.serviceCatalogue(r.Context())
	if err != nil {
		return a.internal(r, err)
	}
	list := make([]service, len(cat))
	for i, c := range cat {
		list[i] = c.service
	}
	if f == formatJSON {
		write(w, f, http.StatusOK, list)
	} else {
		write(w, f, http.StatusOK, serviceList{Services: list})
	}
	return nil
}

// lookupService finds an active service by its code.
func (a *API) lookupService(ctx context.Context, code string) (*catalogue, error) {
	cat, err := a.serviceCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cat {
		if cat[i].ServiceCode == code {
			return &cat[i], nil
		}
	}
	return nil, nil
}

type serviceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []attribute `json:"attributes" xml:"attributes>attribute"`
}

// attribute is a service definition's extra question. onedoor's services ask none
// (metadata is false), so the list is always empty; the type documents the shape.
type attribute struct {
	Variable    bool   `json:"variable" xml:"variable"`
	Code        string `json:"code" xml:"code"`
	Datatype    string `json:"datatype" xml:"datatype"`
	Required    bool   `json:"required" xml:"required"`
	Description string `json:"description" xml:"description"`
	Order       int    `json:"order" xml:"order"`
}

func (a *API) serviceDefinition(w http.ResponseWriter, r *http.Request, f format, code string) *Error {
	svc, err := a.lookupService(r.Context(), code)
	if err != nil {
		return a.internal(r, err)
	}
	if svc == nil {
		return &Error{Status: http.StatusNotFound, Field: "service_code", Description: "service_code: no such service: " + code}
	}
	write(w, f, http.StatusOK, serviceDefinition{ServiceCode: svc.ServiceCode, Attributes: []attribute{}})
	return nil
}
