"""One line: do PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL? Exit 1 if not."""

import os
import sys

import environ
import psycopg
import redis

database_url = os.environ["DATABASE_URL"]
redis_url = os.environ["REDIS_URL"]
problems = []
try:
    config = environ.Env.db_url_config(database_url)
    psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
        connect_timeout=3,
    ).close()
except psycopg.Error as exc:
    problems.append(f"PostgreSQL unreachable at {database_url} ({str(exc).strip()})")
try:
    redis.Redis.from_url(redis_url, socket_timeout=3).ping()
except redis.RedisError as exc:
    problems.append(f"Redis unreachable at {redis_url} ({exc})")
if problems:
    print("services missing: " + "; ".join(problems) + " — set DATABASE_URL/REDIS_URL.")
    sys.exit(1)
print(f"services ok: PostgreSQL at {database_url}, Redis at {redis_url}")
