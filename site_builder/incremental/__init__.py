"""What the last builds computed, kept under .cache/site-builder/ and used to redo only what
changed. The only home of caching and worker processes: each store maps one stage's pure
function for one item over many items, reusing cached results and spreading the rest over
forked workers. Only the pipeline imports this package.

Stores: validated records (by file path and content hash), rendered Markdown texts (by text
and page), compiled templates, fragments of outputs (by function and inputs), and the pages
of the last build into an output folder (by a fingerprint of everything the page shows).
Every store carries the digest of the generator's code and checksums: a store from another
version, or one that fails to load, is dropped whole and its work done again (an entry of
the fragments' store that fails its checksum, alone). An entry is
used only after it is checked against the content on disk now. The folder is safe to delete
at any time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_builder import models as m
from site_builder.incremental import stores
from site_builder.incremental.fingerprint import Fingerprinter
from site_builder.incremental.fragments import FragmentCache
from site_builder.incremental.pages import PageCache, record_key
from site_builder.incremental.records import RecordCache
from site_builder.incremental.row_store import RowStore
from site_builder.incremental.stores import (
    LazyStore,
    default_folder,
    folder_digests,
    output_store_path,
    read_store,
    write_store,
)
from site_builder.incremental.texts import TextCache
from site_builder.incremental.workers import long_lived
from site_builder.manifest import Manifest, content_hash, holds_exactly
from site_builder.write import Reuse

if TYPE_CHECKING:
    import jinja2

__all__ = ["BuildCache", "default_folder", "folder_digests", "inputs_digest", "long_lived"]
LEGACY_STORES = ("records.pickle", "bodies.pickle")


@dataclass
class BuildCache:
    """The stores of one build, and what is needed to tell whether anything changed."""

    folder: Path
    records: RecordCache
    texts: TextCache
    pages: PageCache
    fragments: FragmentCache
    state: dict[str, Any]
    spare: Manifest

    @classmethod
    def open(cls, folder: Path, output_dir: Path, jobs: int = 1) -> BuildCache:
        """The cache in `folder` of builds into `output_dir`; what it must make afresh it
        may make in `jobs` processes."""
        namespace = stores.code_digest()
        output_dir = Path(os.path.abspath(output_dir))
        pages = read_store(output_store_path(folder, output_dir, "pages", ".pickle"), namespace)
        fragments = FragmentCache(
            RowStore(output_store_path(folder, output_dir, "fragments", ".sqlite"), namespace),
            jobs=jobs,
        )
        page_cache = PageCache(output_dir, pages.get("manifest", {}), pages.get("fingerprints", {}),
                               pages.get("graph"), fragments)  # fmt: skip
        return cls(
            folder=folder,
            records=RecordCache(
                read_store(folder / "index.pickle", namespace),
                LazyStore(folder / "records", namespace),
            ),
            texts=TextCache(LazyStore(folder / "texts", namespace)),
            pages=page_cache,
            fragments=fragments,
            state=pages.get("state", {}),
            spare=pages.get("spare", {}),
        )

    def compiled_templates(self) -> jinja2.BytecodeCache:
        """Where Jinja keeps compiled templates between builds."""
        from site_builder.incremental.templates import CompiledTemplates

        return CompiledTemplates(self.folder / "templates")

    def reuse(self) -> Reuse:
        """What the write stage may reuse: the output as recorded, and the spare folder."""
        spare_dir = output_store_path(self.folder, self.pages.output_dir, "spare", "")
        return Reuse(self.pages.manifest, spare_dir, self.spare)

    def remember_records(self, records: Iterable[m.Record | m.SiteSettings]) -> None:
        """Let fingerprints and fragment keys take each record as its file's content hash."""
        for record in records:
            path = getattr(record, "path", None)
            digest = self.records.digests.get(str(path)) if path is not None else None
            if digest is not None:
                known = content_hash(str(path).encode() + digest)
                name = record_key(record) if isinstance(record, m.Record) else None
                self.pages.fingerprinter.know(record, known, name)
                self.fragments.know(record, known)

    def close(self) -> None:
        """Let go of the stores kept open: what was not saved is dropped."""
        self.fragments.store.close()

    def is_output_current(self, inputs: bytes) -> bool:
        """Whether the last build had exactly these inputs and its output is untouched."""
        if self.state.get("inputs") != inputs or not self.pages.manifest:
            return False
        return holds_exactly(self.pages.output_dir, self.pages.manifest)

    def save(self, inputs: bytes, manifest: Manifest, records: int) -> None:
        """Write what changed; the pages store last, so that it never names a stale output."""
        namespace = stores.code_digest()
        self.records.forget_others()
        self.records.records.save()
        if self.records.is_changed:
            write_store(self.folder / "index.pickle", namespace, self.records.index)
        self.texts.forget_others()
        self.texts.store.save()
        self.fragments.forget_others()
        self.fragments.store.save()
        for name in LEGACY_STORES:  # the one-file stores of earlier versions, now folders
            (self.folder / name).unlink(missing_ok=True)
        legacy = output_store_path(self.folder, self.pages.output_dir, "fragments", "")
        shutil.rmtree(legacy, ignore_errors=True)  # the pickled fragments of earlier versions
        fingerprints = {k: v for k, v in self.pages.new_fingerprints.items() if k in manifest}
        pages = {
            "manifest": manifest,
            "fingerprints": fingerprints,
            "graph": self.pages.saved_graph(manifest),
            "state": {"inputs": inputs, "records": records, "files": len(manifest)},
            "spare": self.pages.manifest,  # the old output is the spare now
        }
        path = output_store_path(self.folder, self.pages.output_dir, "pages", ".pickle")
        write_store(path, namespace, pages)


def inputs_digest(*parts: Any) -> bytes:
    """One hash of every input of a build (content hashes, templates, settings, history)."""
    return content_hash(stores.code_digest() + Fingerprinter().digest(parts))
