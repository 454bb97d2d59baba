# MailGate container image: SDK build stage (Native AOT), then a runtime-deps image: the executable is native, no .NET runtime.
# The base images can be overridden; CI builds local stand-ins because it has no registry:
#   docker build --build-arg SDK_IMAGE=localhost/dotnet/sdk:10.0 \
#                --build-arg BASE=localhost/dotnet/aspnet:10.0 -t mailgate .
# (see .ci/container-smoke.sh and docs/operations.md, "Deployment").
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0

FROM ${SDK_IMAGE} AS build
# Native AOT links with clang and zlib (Microsoft's `sdk:10.0-aot` images have them; any Debian or Ubuntu SDK image
# can add them). RID: the platform to compile for (linux-arm64 on arm64 machines).
ARG RID=linux-x64
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first, from the project files alone, so that the layer is cached across code edits.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/ eng/
COPY src/MailGate.Core/MailGate.Core.csproj src/MailGate.Core/
COPY src/MailGate/MailGate.csproj src/MailGate/
RUN dotnet restore src/MailGate/MailGate.csproj -r "$RID"
COPY src/ src/
COPY rules/ rules/
# One native executable (PublishAot in MailGate.csproj): the image needs no .NET runtime; the debug symbols stay here.
RUN dotnet publish src/MailGate/MailGate.csproj -c Release -r "$RID" --no-restore -o /out \
 && rm -f /out/*.dbg /out/*.pdb

FROM ${BASE}
LABEL org.opencontainers.image.title="MailGate" \
      org.opencontainers.image.description="SMTP gateway that turns AWS security mail into PagerDuty incidents"
WORKDIR /app
COPY --from=build /out ./
# The shipped rules; mount your own file (or a folder holding rules.yaml) over /etc/mailgate.
COPY rules/rules.yaml /etc/mailgate/rules.yaml
# Listen on all interfaces inside the container; keep the spool on a volume; log JSON lines.
# Rules:Path is set, so a ${VARIABLE} the rules name but the environment lacks stops start-up
# (exit 2) instead of running the route dry.
ENV MAILGATE_Smtp__Address=0.0.0.0 \
    MAILGATE_Smtp__Port=2525 \
    MAILGATE_Http__Url=http://0.0.0.0:8025 \
    MAILGATE_Spool__Path=/var/lib/mailgate/spool \
    MAILGATE_Rules__Path=/etc/mailgate/rules.yaml \
    MAILGATE_Logging__Format=json
# APP_UID (1654, user "app") comes from the base image, as in Microsoft's images; refuse to build
# an image that would run as root when a base image lacks it.
RUN test -n "${APP_UID}" \
 && mkdir -p /var/lib/mailgate/spool \
 && chown -R "${APP_UID}:${APP_UID}" /var/lib/mailgate
VOLUME ["/var/lib/mailgate"]
EXPOSE 2525 8025
USER ${APP_UID}
# `health` asks /healthz on 127.0.0.1 (the image has no curl); exit 0 means healthy.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["/app/MailGate", "health"]
# The program is PID 1 (exec form, no shell), so it receives SIGTERM itself, lets SMTP sessions in
# DATA finish (Smtp:ShutdownGrace, 15 s) and exits 0 within its 30 s shutdown limit: stop it with a
# longer grace period (docker stop -t 40, compose stop_grace_period: 40s) than Docker's default 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/MailGate"]
CMD ["serve"]
