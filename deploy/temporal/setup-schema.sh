#!/bin/sh
# Admin-tools step before the Temporal server starts (docker-compose.yml `temporal-schema`):
# creates the persistence and visibility databases on PostgreSQL and brings their schema to the
# version the admin-tools image ships. Every step is idempotent: on an existing database it only
# applies schema upgrades, which is how a newer server image gets the schema it needs.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
# temporal-sql-tool reads the password from SQL_PASSWORD.
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
PORT="${DB_PORT:-5432}"
SCHEMA_DIR="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  schema=${pair#*:}
  echo "setup-schema: database $db"
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$SCHEMA_DIR/$schema/versioned"
done
echo "setup-schema: done"
