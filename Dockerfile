# Leadforge server image: `docker compose up` builds and runs it (see docker-compose.yml).
# Build stage: install with the lockfile, which compiles every package to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json tsconfig.base.json tsconfig.json ./
COPY packages packages
# `pnpm install` also builds (the root package's prepare script).
RUN pnpm install --frozen-lockfile && pnpm --filter @leadforge/cli deploy --prod --legacy /out

# Run stage: only production dependencies and the built code.
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 LEADFORGE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /out /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["node", "dist/bundle/leadforge.js"]
CMD ["serve"]
