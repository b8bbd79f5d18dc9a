"""The one log format of the production profile, shared by Django's and the web server's loggers.

One JSON object per line on standard output: time, level, logger, message, process id, plus
whatever a log call adds (the access log adds method, path, query, status, duration …).
Importable without Django, because server.py reads it before the app is loaded.
"""

import logging

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
}

# The web server's name of each request atom → the key in the JSON line.
ACCESS_FIELDS = {
    "method": "method",
    "path": "path",
    "query_string": "query",
    "status": "status",
    "dt_ms": "duration_ms",
    "addr": "remote_addr",
    "_h0": "user_agent",
}


class AccessFields(logging.Filter):
    """Turns the access log's request atoms (the record's dict argument) into fields of the JSON line."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else {}
        for atom, key in ACCESS_FIELDS.items():
            if atom in atoms:
                setattr(record, key, atoms[atom])
        if isinstance(getattr(record, "duration_ms", None), float):
            record.duration_ms = round(record.duration_ms, 1)
        return True
