# rota: `docker build -t rota .` then `docker run --env-file rota.env -v $PWD/config:/app/config rota`
# (roster and credentials in the mounted config/; rota.env from config/rota.example.env).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY jobs ./jobs
COPY bench ./bench
# npm ci runs the `prepare` script, which compiles to dist/.
RUN npm ci

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    ROTA_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; --ignore-scripts skips `prepare` (the compiler is a dev dependency).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
COPY web ./web
USER node
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.ROTA_HTTP_PORT || 9464}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/rota.js"]
CMD ["run"]
