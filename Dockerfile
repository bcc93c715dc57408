# Multi-stage build of yishen with PostgreSQL support; the runtime image holds only the
# binary, libpq and CA certificates, and runs as an unprivileged user.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p yishen-server --features postgres \
 && cp target/release/yishen /usr/local/bin/yishen

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin yishen \
 && mkdir -p /data && chown yishen /data
COPY --from=build /usr/local/bin/yishen /usr/local/bin/yishen
USER yishen
ENV YISHEN_BIND=0.0.0.0:8080 \
    YISHEN_DATA_DIR=/data \
    YISHEN_LOG_FORMAT=json \
    TZ=Asia/Shanghai
VOLUME ["/data"]
EXPOSE 8080
CMD ["yishen", "serve"]
