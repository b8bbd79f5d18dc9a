"""The one log format of the production profile, shared by Django's and gunicorn's loggers.

One JSON object per line on standard output: time, level, logger, message, process id, plus
whatever a log call adds (gunicorn's access log adds method, path, status, duration …).
Importable without Django, because gunicorn.conf.py reads it before the app is loaded.
"""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
}
