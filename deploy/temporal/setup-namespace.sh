#!/bin/sh
# Admin-tools step once the Temporal server answers (docker-compose.yml `temporal-setup`):
# creates the namespace unless it exists and registers the search attributes the product writes,
# with the Temporal CLI. Idempotent: a second run changes nothing; an attribute that exists with
# another type fails the step (the CLI refuses it), so a mismatch cannot go unnoticed.
# On SQL visibility (PostgreSQL) search attributes belong to a namespace.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS (host:port of the frontend) is required}"
: "${TIMR_SYNC_SEARCH_ATTRIBUTES:?TIMR_SYNC_SEARCH_ATTRIBUTES (Name=Type ...) is required}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-30d}"
ATTEMPTS="${SETUP_ATTEMPTS:-60}"
SLEEP_SECONDS="${SETUP_SLEEP_SECONDS:-2}"

# retry <what> <command...>: the server accepts connections before every service is ready, and a
# namespace just created takes a moment to reach the frontend's cache.
retry() {
  what=$1
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$ATTEMPTS" ]; then
      echo "setup-namespace: $what still failing after $ATTEMPTS attempts" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
}

ensure_namespace() {
  if temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
    echo "setup-namespace: namespace $NAMESPACE exists"
    return 0
  fi
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
}

retry "cluster health at $TEMPORAL_ADDRESS" temporal operator cluster health
retry "namespace $NAMESPACE" ensure_namespace

for spec in $TIMR_SYNC_SEARCH_ATTRIBUTES; do
  name=${spec%%=*}
  type=${spec#*=}
  if [ -z "$name" ] || [ "$name" = "$spec" ] || [ -z "$type" ]; then
    echo "setup-namespace: \"$spec\" in TIMR_SYNC_SEARCH_ATTRIBUTES is not Name=Type" >&2
    exit 2
  fi
  retry "search attribute $name ($type)" \
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
done

temporal operator search-attribute list --namespace "$NAMESPACE"
echo "setup-namespace: done"
