# The one image of the worker and the codec server (docker-compose.yml builds it once).
#   docker build --build-arg BUILD_ID=$(git describe --always) -t timr-personio-sync:<build id> .
# Node 22 LTS: Node 20 reached end of life in April 2026 (and a dependency, cookie, wants 22).
# .dockerignore admits only what these COPY lines name, so secrets never enter the build context.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Two malloc arenas, not one per thread: less memory per cached tenant (src/worker.ts WORKER_PROCESS_ENV).
ENV MALLOC_ARENA_MAX=2
# The worker's build id (Worker Versioning), e.g. --build-arg BUILD_ID=$(git describe --always);
# empty: package version + workflow bundle hash. See README "Deploying a workflow change".
ARG BUILD_ID=""
ENV TIMR_SYNC_BUILD_ID=$BUILD_ID
# Owned by root and read-only for the process: the code cannot be changed by what it runs.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
# uid:gid 1000:1000 is the image's `node` user. Numeric, so that a runtime can verify it is not
# root (Kubernetes runAsNonRoot). Mounted secret files must be readable by it: owned by 1000,
# mode 0600 (0700 directories); the secret store refuses files that group or others can read.
USER 1000:1000
# Default: the worker. The codec server runs the same image with another command.
# The operator CLI: docker run … node bin/timr-sync.js <command> (runs dist/, no tsx in the image).
# V8 without its parallel GC helper threads and with a small young generation: less memory per cached tenant (src/worker.ts WORKER_NODE_FLAGS).
CMD ["node", "--single-threaded-gc", "--max-semi-space-size=2", "dist/src/worker.js"]
