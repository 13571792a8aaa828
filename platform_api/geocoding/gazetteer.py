"""The offline geocoder: district names and centroids, plus gazetteers of named places.

It needs no network, so it is the default. It knows the force pack's districts (London's
33 boroughs by default), the places in the pack's gazetteer, and any gazetteer CSV a site
adds (columns `name,lat,lon`). Search ignores case, accents and punctuation
and ranks candidates in this order: exact name, name prefix, every word a word prefix, then
fuzzy (difflib) for typing errors. It cannot know addresses. "12 High Street, Croydon"
falls back to the place or borough the text names, rightmost first as in a postal
address, with precision "place" or "borough" so the caller knows the point is approximate.
"""

from __future__ import annotations

import csv
import heapq
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

from platform_api.contract import GeoSource, PlaceKind, Precision
from platform_api.geo import haversine_m
from platform_api.geocoding.base import Place
from platform_api.packs import ForcePack, load_pack

# Words an operator often leaves out: "Waterloo" should match "Waterloo station" exactly.
_GENERIC_SUFFIXES = ("station", "town centre", "international")
_FUZZY_CUTOFF = 0.8
_FUZZY_PREFIX_MIN = 5  # compare a typed prefix with names cut to its length from 5 characters
_REVERSE_MAX_M = 10_000.0  # farther than this, "the nearest place" tells an operator nothing
_ADDRESS_LIKE = re.compile(r"\d|,")
_PART_SEPARATORS = re.compile(r"[,;\n]+")


class GazetteerError(ValueError):
    """A gazetteer file is missing, lacks a column, or has a row that is not a place."""


def normalise(text: str) -> str:
    """Lower case, no accents, '&' as 'and', apostrophes dropped, other punctuation as
    spaces: "King's Cross St. Pancras" and "kings cross st pancras" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("&", " and ")
    plain = re.sub(r"['\u2019`]", "", plain)
    plain = re.sub(r"[\W_]+", " ", plain)
    return " ".join(plain.split())


@dataclass(frozen=True)
class _Entry:
    name: str
    lat: float
    lon: float
    kind: PlaceKind
    keys: tuple[str, ...]  # the normalised name, then the name without a generic suffix
    words: tuple[str, ...]

    @classmethod
    def of(cls, name: str, lat: float, lon: float, kind: PlaceKind) -> _Entry:
        key = normalise(name)
        keys = [key]
        for suffix in _GENERIC_SUFFIXES:
            if key.endswith(" " + suffix):
                keys.append(key[: -len(suffix) - 1])
        return cls(name, lat, lon, kind, tuple(keys), tuple(key.split()))


def parse_csv(text: str, label: str) -> list[_Entry]:
    """Rows of a gazetteer CSV (`name,lat,lon`, more columns ignored). Bad rows are
    errors naming the file and line: a site's configuration mistake should stop the
    start, not drop places without a word."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
    if missing:
        raise GazetteerError(f"{label}: missing column(s) {', '.join(sorted(missing))}")
    entries = []
    for row in reader:
        where = f"{label}:{reader.line_num}"
        name = (row.get("name") or "").strip()
        if not name:
            raise GazetteerError(f"{where}: the name is empty")
        try:
            lat, lon = float(row.get("lat") or ""), float(row.get("lon") or "")
        except ValueError:
            raise GazetteerError(f"{where}: lat and lon must be numbers") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan and inf
            raise GazetteerError(f"{where}: ({lat}, {lon}) is not a point on Earth")
        entries.append(_Entry.of(name, lat, lon, PlaceKind.PLACE))
    return entries


def _site_file(path: str | Path) -> list[_Entry]:
    try:
        text = Path(path).read_text("utf-8-sig")  # spreadsheets often write a BOM
    except OSError as exc:
        raise GazetteerError(f"cannot read gazetteer {path}: {exc.strerror or exc}") from exc
    return parse_csv(text, str(path))


class GazetteerGeocoder:
    """The default `Geocoder`. Everything is in memory; a search scans every entry, which
    takes well under a millisecond for the shipped few hundred places."""

    def __init__(
        self, extra_files: Sequence[str | Path] = (), pack: ForcePack | None = None
    ) -> None:
        self._pack = pack if pack is not None else load_pack()
        entries = [
            _Entry.of(d.name, d.centroid[0], d.centroid[1], PlaceKind.BOROUGH)
            for d in self._pack.districts
        ]
        entries += [
            _Entry.of(p.name, p.lat, p.lon, PlaceKind.PLACE) for p in self._pack.places
        ]
        for path in extra_files:
            entries += _site_file(path)
        self._entries = tuple(entries)
        self._places = tuple(e for e in entries if e.kind is PlaceKind.PLACE)
        self._by_key: dict[str, list[_Entry]] = {}
        for entry in entries:
            for key in entry.keys:
                self._by_key.setdefault(key, []).append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, text: str, limit: int) -> list[Place]:
        query = normalise(text)
        if not query or limit < 1:
            return []
        exact, prefix, all_words = self._direct(query)
        direct = exact + prefix + all_words
        fuzzy: list[_Entry] = []
        if len(direct) < limit:
            fuzzy = self._fuzzy(query, {id(e) for e in direct}, limit - len(direct))
        found = [self._place(e, Precision.EXACT) for e in direct + fuzzy]
        if not direct:
            approx = self._approximate(text)
            if approx is not None:
                precision = (
                    Precision.BOROUGH if approx.kind is PlaceKind.BOROUGH else Precision.PLACE
                )
                # An address ("12 High Street, Croydon") is better answered by the place it
                # names than by a name that merely looks like it.
                at = 0 if _ADDRESS_LIKE.search(text) else len(found)
                found.insert(at, self._place(approx, precision))
        return _unique(found)[:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        best: _Entry | None = None
        best_m = math.inf
        for entry in self._places:
            # One degree of latitude is ~111 km: skip what cannot beat the best so far.
            if abs(entry.lat - lat) * 111_000 > best_m:
                continue
            metres = haversine_m(lat, lon, entry.lat, entry.lon)
            if metres < best_m:
                best, best_m = entry, metres
        if best is None or best_m > _REVERSE_MAX_M:
            return None
        return replace(self._place(best, Precision.EXACT), distance_m=round(best_m, 1))

    # ------------------------------------------------------------------ ranking

    def _direct(self, query: str) -> tuple[list[_Entry], list[_Entry], list[_Entry]]:
        words = query.split()
        exact: list[_Entry] = []
        prefix: list[_Entry] = []
        all_words: list[_Entry] = []
        for entry in self._entries:
            if query in entry.keys:
                exact.append(entry)
            elif any(key.startswith(query) for key in entry.keys):
                prefix.append(entry)
            elif all(any(w.startswith(q) for w in entry.words) for q in words):
                all_words.append(entry)
        # The whole name before a name without its suffix ("Westminster" the borough before
        # "Westminster station"), then the shorter name: more of it was typed.
        exact.sort(key=lambda e: (e.keys[0] != query, len(e.name), e.name))
        prefix.sort(key=lambda e: (len(e.name), e.name))
        all_words.sort(key=lambda e: (len(e.name), e.name))
        return exact, prefix, all_words

    def _fuzzy(self, query: str, skip: set[int], want: int) -> list[_Entry]:
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(query)  # difflib caches details about the second sequence
        scored: list[tuple[float, int, str, int]] = []
        for index, entry in enumerate(self._entries):
            if id(entry) in skip:
                continue
            score = max(_ratios(matcher, _fuzzy_candidates(entry, query)), default=0.0)
            if score >= _FUZZY_CUTOFF:
                scored.append((-score, len(entry.name), entry.name, index))
        return [self._entries[i] for *_, i in heapq.nsmallest(want, scored)]

    def _approximate(self, text: str) -> _Entry | None:
        """The place or borough an address names: its parts from last to first (the
        locality ends a postal address), within a part the rightmost, longest run of words
        that is a known name."""
        parts = [normalise(p).split() for p in _PART_SEPARATORS.split(text)]
        for words in reversed(parts):
            for end in range(len(words), 0, -1):
                for start in range(end):
                    hits = self._by_key.get(" ".join(words[start:end]))
                    if hits:
                        # A town centre is nearer a street in it than the borough centroid.
                        return min(hits, key=lambda e: (e.kind is PlaceKind.BOROUGH, e.name))
        return None

    def _place(self, entry: _Entry, precision: Precision) -> Place:
        if entry.kind is PlaceKind.BOROUGH:
            borough: str | None = entry.name
        else:
            borough = self._pack.district_name_at(entry.lat, entry.lon)
        return Place(
            name=entry.name,
            lat=entry.lat,
            lon=entry.lon,
            kind=entry.kind,
            precision=precision,
            source=GeoSource.GAZETTEER,
            borough=borough,
        )


def _fuzzy_candidates(entry: _Entry, query: str) -> Iterable[str]:
    yield from entry.keys
    if len(query) >= _FUZZY_PREFIX_MIN:
        yield entry.keys[0][: len(query)]  # "padington" against "paddingto(n station)"


def _ratios(matcher: SequenceMatcher[str], candidates: Iterable[str]) -> Iterable[float]:
    for candidate in candidates:
        matcher.set_seq1(candidate)
        # The cheap upper bounds first, as difflib.get_close_matches does.
        if matcher.real_quick_ratio() >= _FUZZY_CUTOFF and matcher.quick_ratio() >= _FUZZY_CUTOFF:
            yield matcher.ratio()


def _unique(places: list[Place]) -> list[Place]:
    seen: set[tuple[str, float, float]] = set()
    out = []
    for place in places:
        key = (place.name, place.lat, place.lon)
        if key not in seen:
            seen.add(key)
            out.append(place)
    return out
