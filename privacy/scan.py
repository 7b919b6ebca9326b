"""Find a person's traces anywhere: every text-like column of every table (read from PostgreSQL's
catalogue, not from the models, so a column no model declares is searched too), the keys and
values in Redis, and the files in the media and private storages.

Used by the erasure tests with canary values, and by staff (`manage.py privacy_scan NEEDLE`) to
check an erasure or answer an access request ("which tables mention this address?").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections

# Column types whose text can hold a name, an address or a message. Arrays are searched as
# their text form; tsvector holds the stemmed words of a text (the directory's search document).
TEXT_TYPES = {
    "text",
    "character varying",
    "character",
    "json",
    "jsonb",
    "inet",
    "cidr",
    "tsvector",
    "citext",
}


@dataclass(frozen=True)
class Finding:
    where: str  # "table.column", "redis" or "file"
    key: str  # the row's primary key, the Redis key or the file path
    needle: str
    excerpt: str = ""

    def __str__(self) -> str:
        return f"{self.where} [{self.key}] holds {self.needle!r}: {self.excerpt}"


def text_columns(*, using: str = "default") -> list[tuple[str, str, str | None]]:
    """(table, column, primary key column or None) for every text-like column in the schema."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.udt_name, pk.attname
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            LEFT JOIN LATERAL (
                SELECT a.attname
                FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = format('%I.%I', c.table_schema, c.table_name)::regclass
                  AND i.indisprimary
                LIMIT 1
            ) pk ON true
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            ORDER BY c.table_name, c.ordinal_position
            """
        )
        rows = cursor.fetchall()
    return [
        (table, column, pk)
        for table, column, data_type, udt_name, pk in rows
        if data_type in TEXT_TYPES or data_type == "ARRAY" or udt_name in TEXT_TYPES
    ]


def database_scan(*, needles: list[str], using: str = "default") -> list[Finding]:
    """Every row of every text-like column containing one of `needles` (case-insensitive)."""
    from psycopg import sql

    needles = [n for n in needles if n]
    if not needles:
        return []
    patterns = [
        "%" + n.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%" for n in needles
    ]
    found = []
    connection = connections[using]
    with connection.cursor() as cursor:
        for table, column, pk in text_columns(using=using):
            query = sql.SQL(
                "SELECT {key}::text, {column}::text FROM {table} WHERE {column}::text ILIKE ANY(%s)"
            ).format(
                key=sql.Identifier(pk) if pk else sql.SQL("ctid"),
                column=sql.Identifier(column),
                table=sql.Identifier(table),
            )
            cursor.execute(query.as_string(connection.connection), [patterns])
            for key, value in cursor.fetchall():
                for needle in needles:
                    position = value.lower().find(needle.lower())
                    if position >= 0:
                        excerpt = value[max(0, position - 30) : position + len(needle) + 30]
                        found.append(Finding(f"{table}.{column}", key, needle, excerpt))
    return found


def redis_scan(*, needles: list[str], url: str | None = None) -> list[Finding]:
    """Keys and values (strings and pickles alike: their text is stored as UTF-8) in Redis."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(url or settings.REDIS_URL)
    lowered = [(n, n.lower().encode()) for n in needles if n]
    found = []
    for key in client.scan_iter(count=500):
        kind = client.type(key)
        if kind == b"string":
            # Bytes throughout: this client does not decode responses.
            values: list[Any] = [client.get(key) or b""]
        elif kind == b"list":
            values = client.lrange(key, 0, -1)
        elif kind == b"hash":
            pairs = cast(dict[bytes, bytes], client.hgetall(key))
            values = [k + b"=" + v for k, v in pairs.items()]
        elif kind in (b"set", b"zset"):
            values = list(client.smembers(key)) if kind == b"set" else client.zrange(key, 0, -1)
        else:
            values = []
        blob = (key + b"\n" + b"\n".join(values)).lower()
        for needle, encoded in lowered:
            if encoded in blob:
                found.append(Finding("redis", key.decode(errors="replace"), needle))
    return found


def files_scan(*, needles: list[str], roots: list[str]) -> list[Finding]:
    """File names and contents under `roots` (media and private storage)."""
    lowered = [(n, n.lower().encode()) for n in needles if n]
    found = []
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                blob = (path.encode() + b"\n" + _file_text(path)).lower()
                for needle, encoded in lowered:
                    if encoded in blob:
                        found.append(Finding("file", path, needle))
    return found


def _file_text(path: str) -> bytes:
    with open(path, "rb") as handle:
        return content_text(handle.read())


def content_text(data: bytes) -> bytes:
    """The bytes of a file; for a ZIP (a data export) those of every member, uncompressed."""
    import io
    import zipfile

    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return b"\n".join(
                    name.encode() + b"\n" + archive.read(name) for name in archive.namelist()
                )
        except zipfile.BadZipFile:
            return data
    return data


def storage_roots() -> list[str]:
    from django.conf import settings
    from django.core.files.storage import storages

    roots = [str(settings.MEDIA_ROOT)]
    location = getattr(storages["private"], "location", None)
    if location:
        roots.append(str(location))
    return [r for r in roots if os.path.isdir(r)]


def cache_forget(*, needles: list[str]) -> int:
    """Delete every cache entry that mentions one of `needles` (erasure): a page in the visitor
    cache or a rendered profile is retired by a version bump, but its old copy would stay in
    Redis until it expires. Only the cache's own keys (its prefix) are looked at; a cache that is
    not Redis (the demo's memory cache) lives in one process and is left to expire."""
    import html

    from django.core.cache import cache

    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return 0
    variants = {v for n in needles if n for v in (n, html.escape(n))}
    lowered = [v.lower().encode() for v in variants]
    if not lowered:
        return 0
    client = backend.get_client(write=True)
    prefix = (cache.key_prefix or "") + ":*"
    deleted = 0
    for key in client.scan_iter(match=prefix, count=500):
        value = client.get(key) if client.type(key) == b"string" else None
        if value and any(needle in value.lower() for needle in lowered):
            deleted += client.delete(key)
    return deleted
