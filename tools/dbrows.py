"""dbrows - rows of almanac's database for the CLI tests' Python checks and
tools/judgment, from either engine: connect(DB) gives sqlite3's connection for a file and, for a
postgresql:// DSN, an object with the same execute(query, params) ->
iterable of tuples (fetchone, fetchall), run through psql (no driver needed).

Queries are written once for both: '?' placeholders (bound here as SQL
literals), and only what both engines read alike. Values come back as JSON
gives them (numbers, strings, None; booleans as True/False).
"""
import json
import sqlite3
import subprocess


def connect(db):
    if db.startswith(("postgres://", "postgresql://")):
        return _Pg(db)
    return sqlite3.connect(db)


def _literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _bind(query, params):
    out, quoted, it = [], False, iter(params)
    for ch in query:
        if ch == "'":
            quoted = not quoted
        if ch == "?" and not quoted:
            out.append(_literal(next(it)))
        else:
            out.append(ch)
    return "".join(out)


class _Cursor:
    def __init__(self, rows):
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return list(self.rows)


class _Pg:
    def __init__(self, dsn):
        self.dsn = dsn

    def _psql(self, sql):
        return subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", self.dsn,
                               "-c", sql], check=True, capture_output=True,
                              text=True).stdout

    def execute(self, query, params=()):
        q = _bind(query, params).strip().rstrip(";")
        if not q.lstrip("( \n").upper().startswith(("SELECT", "WITH")):
            self._psql(q)
            return _Cursor([])
        # each row as a JSON array in the columns' order (json, not jsonb,
        # keeps repeated names and their order)
        out = self._psql("SELECT coalesce(json_agg(r), '[]') FROM"
                         " (SELECT (SELECT json_agg(value) FROM json_each(row_to_json(q))) r"
                         " FROM (%s) q) z" % q)
        return _Cursor([tuple(r) for r in json.loads(out)])

    def close(self):
        pass
