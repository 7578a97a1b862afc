# Worker and codec-server image. Build: docker build -t timr-personio-sync .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker's build id (Worker Versioning), e.g. --build-arg BUILD_ID=$(git describe --always);
# empty: package version + workflow bundle hash. See README "Deploying a workflow change".
ARG BUILD_ID=""
ENV TIMR_SYNC_BUILD_ID=$BUILD_ID
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
USER node
# Default: the worker. The codec server runs the same image with another command.
# The operator CLI: docker run … node bin/timr-sync.js <command> (runs dist/, no tsx in the image).
CMD ["node", "dist/src/worker.js"]
