FROM node:20-bookworm-slim
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=true
# WHATSAPP_MODE=web drives the distribution's Chromium: docker compose build --build-arg WITH_CHROMIUM=true
ARG WITH_CHROMIUM=false
RUN if [ "$WITH_CHROMIUM" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*; \
    fi
COPY package.json package-lock.json .puppeteerrc.cjs prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
# Migrations are applied by the app itself at start (core/db/migrate.ts).
CMD ["npm", "start"]
