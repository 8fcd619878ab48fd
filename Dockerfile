# The production image: the server binary and the built site on Debian bookworm-slim.
#
#   docker build -t tracker .
#
# The build stage runs the project's own commands (`cargo xtask setup`, then `cargo xtask build`),
# so the image is built with exactly the pinned tools in cargo-leptos.toml.

# The compiler the workspace declares (rust-version = "1.95").
ARG RUST_VERSION=1.95.0
# Tailwind and wasm-opt come from npm; Node 20 as on the development machines.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM rust:${RUST_VERSION}-bookworm AS build
# Node.js and npm, for the npm-installed build tools.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
# `cargo xtask setup` also installs the test tools; one of them lives in a Python virtualenv.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# The tools first, in a layer of their own: it depends only on the manifests, the pins and
# xtask, so a source change does not reinstall them (about 12 minutes). The other crates'
# sources are empty stand-ins here; only xtask is compiled.
COPY Cargo.toml Cargo.lock cargo-leptos.toml ./
COPY .cargo .cargo
COPY xtask xtask
COPY app/Cargo.toml app/
COPY frontend/Cargo.toml frontend/
COPY server/Cargo.toml server/
COPY migration/Cargo.toml migration/
COPY end2end/package.json end2end/
RUN mkdir -p app/src frontend/src server/src migration/src \
 && touch app/src/lib.rs frontend/src/lib.rs server/src/lib.rs server/src/main.rs migration/src/lib.rs migration/src/main.rs \
 && cargo xtask setup \
 && rm -rf app/src frontend/src server/src migration/src

# The release build: server, WASM bundle and CSS into target/release/server and target/site.
COPY . .
RUN cargo xtask build

FROM debian:bookworm-slim AS runtime
# CA certificates for outgoing TLS (single sign-on, S3). Nothing else: the binary links only libc.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 tracker \
 && useradd --system --uid 10001 --gid tracker --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tracker \
 && mkdir /data && chown tracker:tracker /data
# Migrations are compiled into the binary; the site is the WASM, JS, CSS and public assets.
COPY --from=build /src/target/release/server /usr/local/bin/server
COPY --from=build /src/target/site /app/site
WORKDIR /app
ENV APP_ENV=production \
    BIND_ADDR=0.0.0.0:3000 \
    DATA_DIR=/data \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_OUTPUT_NAME=tracker
USER 10001:10001
# The SQLite file (when DATABASE_URL is not set) and the attachments.
VOLUME ["/data"]
EXPOSE 3000
# Readiness (the database answers), asked with bash's /dev/tcp: no HTTP client in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>\"/dev/tcp/127.0.0.1/${BIND_ADDR##*:}\" && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# `docker run IMAGE admin create --email you@example.com` and the other commands work too.
ENTRYPOINT ["server"]
CMD ["serve"]
