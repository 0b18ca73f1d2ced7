# Loupe headless: `loupe serve` (the Rekognition Custom Labels API, the web UI and the Open Inference
# Protocol under /v2) with its home on a volume. Build: docker build -t loupe .
# Run and serve an export instead: see README.md, "Docker".

# ---- build: everything npm needs to install and build (compilers for native modules, dev dependencies)
FROM node:20-bookworm AS build
WORKDIR /src
# No Electron binary and no browsers: the image runs the server only.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=true
COPY package.json package-lock.json .npmrc ./
# Scripts wait for the sources (`prepare` builds the models, the web UI and the bundles).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm rebuild better-sqlite3 sharp onnxruntime-node esbuild \
 && npm run build:models && npm run build:renderer \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/.cache

# ---- runtime: Node, production dependencies, the sources tsx runs and what the build made; no compilers
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production LOUPE_HOME=/data
WORKDIR /app
COPY --from=build --chown=root:root /src/package.json /src/tsconfig.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/main ./main
COPY --from=build --chown=root:root /src/native ./native
COPY --from=build --chown=root:root /src/preload ./preload
COPY --from=build --chown=root:root /src/dist/models ./dist/models
COPY --from=build --chown=root:root /src/dist/renderer ./dist/renderer
# The home (database, models, credentials, TLS certificate) belongs to the unprivileged `node` user (uid 1000).
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
USER node
EXPOSE 7800
# Off loopback Loupe serves HTTPS with a certificate it makes for the names it is reached under: add
# yours with --name (docker run … loupe --name inspect.example.com). Keep the published port 7800:
# Host headers are checked with it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "process.env.NODE_TLS_REJECT_UNAUTHORIZED='0';const p='127.0.0.1:7800/v2/health/live';fetch('https://'+p).catch(()=>fetch('http://'+p)).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "main/cli/bin.mjs", "serve", "--host", "0.0.0.0", "--port", "7800"]
CMD []
