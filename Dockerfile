# syntax=docker/dockerfile:1.7
#
# One image per service, from one Dockerfile:
#   docker build --build-arg SERVICE=auth  -t ghcr.io/myhotel/auth:0.1.0  .
#   docker build --build-arg SERVICE=hotel -t ghcr.io/myhotel/hotel:0.1.0 .
#
# Inside the image (WORKDIR /app, the repository layout, so openapi/ and the compiled
# migrations sit where the services look for them), with stable entry points in /app/bin
# (symlinks into services/<svc>/dist/, whose layout, dist/ or dist/src/, follows tsconfig):
#   node bin/main.js          serves on $PORT (the default CMD)
#   node bin/migrate.js       applies the service's migrations (advisory lock), exits 0
#   node bin/create-admin.js  auth only
#
# Node.js 24 LTS on Debian bookworm slim, pinned to the exact release of .nvmrc (a test keeps
# the two equal). To pin by digest as well:
#   --build-arg NODE_IMAGE=node:24.22.3-bookworm-slim@sha256:<digest>
ARG NODE_IMAGE=node:24.22.3-bookworm-slim
# The image of the build stages only; the runtime stage is always NODE_IMAGE. The local cluster
# test (scripts/cluster) passes a NODE_IMAGE assembled without a registry and, here, a copy of it
# that trusts the build machine's TLS-inspecting proxy, which never reaches the shipped image.
ARG BUILD_IMAGE=${NODE_IMAGE}

# ---- build: full install (dev dependencies included) and TypeScript compilation ----------
FROM ${BUILD_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
COPY services/common/package.json services/common/
COPY services/auth/package.json services/auth/
COPY services/hotel/package.json services/hotel/
COPY openapi/client/package.json openapi/client/
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY tsconfig*.json ./
COPY openapi/ openapi/
COPY services/ services/
RUN npm run build

# ---- prune: production dependencies of one service only ----------------------------------
FROM build AS prune
ARG SERVICE=auth
RUN test "$SERVICE" = auth || test "$SERVICE" = hotel || { echo "SERVICE must be auth or hotel" >&2; exit 1; }
# hotel serves /docs with Redoc's standalone bundle: only that one file of the redoc
# devDependency (and its licence) goes into the image, where require.resolve finds it.
RUN mkdir -p /assets/redoc/bundles \
 && cp node_modules/redoc/package.json node_modules/redoc/LICENSE /assets/redoc/ \
 && cp node_modules/redoc/bundles/redoc.standalone.js /assets/redoc/bundles/
RUN --mount=type=cache,target=/root/.npm \
    rm -rf node_modules services/*/node_modules \
 && npm ci --omit=dev --ignore-scripts --workspace "services/${SERVICE}" --include-workspace-root=false
# Assemble exactly what the runtime needs, in the repository layout, under /out.
RUN mkdir -p /out/services \
 && cp package.json /out/ \
 && cp -r node_modules /out/node_modules \
 && cp -r openapi /out/openapi \
 && for ws in common "${SERVICE}"; do \
      mkdir -p "/out/services/$ws" \
      && cp "services/$ws/package.json" "/out/services/$ws/" \
      && cp -r "services/$ws/dist" "/out/services/$ws/dist" \
      && if [ -d "services/$ws/node_modules" ]; then cp -r "services/$ws/node_modules" "/out/services/$ws/"; fi; \
    done \
 && if [ "$SERVICE" = hotel ]; then cp -r /assets/redoc /out/node_modules/redoc; fi \
 && find /out/services \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' \) -delete
# Stable entry points. node resolves the symlinks, so __dirname is the real dist directory.
RUN set -eu; cd /out; d="services/${SERVICE}/dist"; \
    if [ -f "$d/src/main.js" ]; then d="$d/src"; fi; \
    mkdir bin; \
    for f in main cli/migrate cli/create-admin; do \
      if [ -f "$d/$f.js" ]; then ln -s "../$d/$f.js" "bin/${f#cli/}.js"; fi; \
    done; \
    test -e bin/main.js && test -e bin/migrate.js

# ---- runtime: slim, no package managers, non-root, node as PID 1 --------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=auth
# No package managers or other build tools in the final image.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && groupadd --gid 10001 myhotel \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin myhotel
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    PORT=8080
WORKDIR /app
# Files are owned by root and read-only for the service user.
COPY --from=prune --chown=root:root /out/ /app/
USER 10001:10001
EXPOSE 8080
# Exec form: node is PID 1 and receives SIGTERM directly (graceful drain, then exit).
CMD ["node", "bin/main.js"]
