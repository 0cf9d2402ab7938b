# LayanKota's production image: compiled JavaScript on plain node, production dependencies only,
# run as the unprivileged `node` user. Build: docker compose build (or docker build -t layankota .).
# WHATSAPP_MODE=web drives the distribution's Chromium: docker compose build --build-arg WITH_CHROMIUM=true

# --- build: every dependency, the Prisma client, then `npm run build` (tsc) into dist/ ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
# whatsapp-web.js's puppeteer would download a browser; Debian's Chromium is used instead.
ENV PUPPETEER_SKIP_DOWNLOAD=true
COPY package.json package-lock.json .puppeteerrc.cjs prisma.config.ts ./
COPY prisma ./prisma
# postinstall generates the Prisma client (TypeScript, into core/generated/prisma).
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run prisma:generate && npm run build

# --- runtime: node:20-bookworm-slim, production dependencies, dist/ and the files read at run time ---
FROM node:20-bookworm-slim AS runtime
ARG WITH_CHROMIUM=false
RUN if [ "$WITH_CHROMIUM" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
# NODE_ENV=production makes SESSION_SECRET required. HEALTH_FILE: where the worker role writes its
# heartbeats for the health check (container-local, so each worker container checks its own).
ENV NODE_ENV=production \
    PUPPETEER_SKIP_DOWNLOAD=true \
    DATA_DIR=/app/data \
    HEALTH_FILE=/tmp/layankota-health.json
COPY package.json package-lock.json .puppeteerrc.cjs ./
# --ignore-scripts: the generated client comes compiled from the build stage (postinstall would
# generate TypeScript nobody runs), and no browser is downloaded.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma ./prisma
COPY locales ./locales
COPY web ./web
COPY city ./city
# The code stays root's and read-only; only DATA_DIR (media, the WhatsApp Web session, a volume) is writable.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Checks what this container's roles keep alive: the web role's GET /healthz, the worker's heartbeat.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "dist/app/healthcheck.js"]
# Migrations: the compose file's one-shot `migrate` service (node dist/core/db/migrateCli.js) applies
# them before web and worker start; each process's boot then finds none pending.
CMD ["node", "dist/app/main.js"]
