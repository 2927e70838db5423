# The bench's strace images (B1's "strace -f" rows): a base image plus Debian's strace, so that the
# traced program runs under strace -f inside the container exactly as it runs plain.
# Built by bench/run.ts with the classic builder and host networking (the apt mirror is reachable
# that way): DOCKER_BUILDKIT=0 docker build --network host --build-arg BASE=… -f strace.Dockerfile .
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends strace \
 && rm -rf /var/lib/apt/lists/*
