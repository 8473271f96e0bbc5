"""Each page's canonical address and schema.org data (JSON-LD), computed before templating."""

from __future__ import annotations

from typing import Any

from jinja2.utils import htmlsafe_json_dumps

from site_builder import markup, urls
from site_builder import models as m
from site_builder.link import Site
from site_builder.render.data import DataFile
from site_builder.vocabulary import SourceKind

SCHEMA_ORG = "https://schema.org"
# What kind of schema.org work each kind of source is; anything else is a CreativeWork.
SOURCE_TYPES = {
    SourceKind.NEWS: "NewsArticle",
    SourceKind.OFFICIAL_REPORT: "Report",
    SourceKind.INSPECTION_REPORT: "Report",
    SourceKind.REVIEW_REPORT: "Report",
    SourceKind.STATISTICS: "Dataset",
    SourceKind.DATASET: "Dataset",
}


def canonical_url(site: Site, output_path: str) -> str:
    """The page's own absolute address."""
    return urls.absolute_url(site.settings.base_url, output_path)


def record_json_ld(record: m.Record, site: Site, canonical: str, description: str) -> str:
    """The schema.org description of a record's page ('' for a case or a free page)."""
    findings = markup.links_as_words(getattr(record, "findings", None) or "")
    return as_script(_record_ld(record, site, canonical, findings or description))


def website_json_ld(site: Site, canonical: str) -> str:
    """The schema.org description of the site, for its home page."""
    return as_script(_website_ld(site, canonical))


def as_script(described: dict[str, Any] | None) -> str:
    """JSON-LD as the text of a <script> element: '<', '>', '&' and "'" escaped as Jinja's
    tojson escapes them; '' where no schema.org type fits."""
    if not described:
        return ""
    return str(htmlsafe_json_dumps({"@context": SCHEMA_ORG, **described}, sort_keys=True))


def _record_ld(
    record: m.Record, site: Site, canonical: str, description: str
) -> dict[str, Any] | None:
    if isinstance(record, m.Authority):
        return _authority_ld(record, canonical)
    if isinstance(record, m.Body):
        return _drop_empty({
            "@type": "Organization", "name": record.name, "url": canonical,
            "description": description,
            "foundingDate": _iso(record.active_from), "dissolutionDate": _iso(record.active_to),
        })  # fmt: skip
    if isinstance(record, m.Inspection):
        authority = site.authorities[record.authority]
        about = _authority_ld(authority, _url(site, authority))
        return _drop_empty({
            "@type": "Report", "name": record.title, "headline": record.title, "url": canonical,
            "datePublished": _iso(record.published or record.date),
            "author": {"@type": "Organization", "name": record.judged_by},
            "about": {k: about[k] for k in ("@type", "name", "url")},
            "description": description, "isBasedOn": record.url,
        })  # fmt: skip
    if isinstance(record, m.Source):
        return _drop_empty({
            "@type": SOURCE_TYPES.get(record.kind, "CreativeWork"), "name": record.title,
            "headline": record.title, "url": record.url or canonical,
            "mainEntityOfPage": canonical, "description": description,
            "datePublished": _iso(record.published),
            "publisher": {"@type": "Organization", "name": record.publisher}
            if record.publisher else None,
            "sameAs": record.archived_url,
        })  # fmt: skip
    return None  # a case is a child's death or harm, and a free page is plain text


def _authority_ld(authority: m.Authority, url: str) -> dict[str, Any]:
    identifiers = [{"@type": "PropertyValue", "propertyID": "ONS GSS code",
                    "value": authority.gss_code}]  # fmt: skip
    if authority.dfe_code:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DfE local authority number",
                            "value": authority.dfe_code})  # fmt: skip
    return _drop_empty({
        "@type": "GovernmentOrganization", "name": authority.name, "url": url,
        "identifier": identifiers,
        "address": {"@type": "PostalAddress", "addressRegion": authority.region,
                    "addressCountry": "GB"},
        "sameAs": authority.website,
    })  # fmt: skip


def _website_ld(site: Site, canonical: str) -> dict[str, Any]:
    search = urls.absolute_url(site.settings.base_url, urls.PAGE_PATHS["search"])
    return {
        "@type": "WebSite", "name": site.settings.title, "url": canonical,
        "description": site.settings.description,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }  # fmt: skip


def dataset_json_ld(
    site: Site, canonical: str, description: str, files: tuple[DataFile, ...], licence: str | None
) -> str:
    """The schema.org description of the open data, for the data page."""
    base = site.settings.base_url
    return as_script(_drop_empty({
        "@type": "Dataset", "name": f"{site.settings.title}: open data", "url": canonical,
        "description": f"{site.settings.description} {description}",
        "license": licence, "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": site.settings.title, "url": base},
        "distribution": [
            {"@type": "DataDownload", "name": f"{f.title} ({f.output_path.rsplit('.', 1)[1]})",
             "encodingFormat": f.media_type, "contentUrl": urls.absolute_url(base, f.output_path)}
            for f in files
        ],
    }))  # fmt: skip


def _url(site: Site, record: m.Record) -> str:
    return urls.absolute_url(site.settings.base_url, urls.record_path(record))


def _iso(date: m.PartialDate | None) -> str | None:
    """A date for schema.org, which has no way to say a date is inferred: then none."""
    return date.iso if date and not date.is_inferred else None


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value not in (None, "", [])}
