# MailGate container image: SDK build stage, then the ASP.NET runtime.
# The base images can be overridden (CI builds local stand-ins, see .ci/ and the README).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG BASE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files alone, so that the layer is cached across code edits.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/ eng/
COPY src/MailGate.Core/MailGate.Core.csproj src/MailGate.Core/
COPY src/MailGate/MailGate.csproj src/MailGate/
RUN dotnet restore src/MailGate/MailGate.csproj
COPY src/ src/
COPY rules/ rules/
RUN dotnet publish src/MailGate/MailGate.csproj -c Release --no-restore -o /out

FROM ${BASE}
WORKDIR /app
COPY --from=build /out ./
COPY rules/rules.yaml /etc/mailgate/rules.yaml
# Listen on all interfaces inside the container; keep the spool on a volume; log JSON lines.
ENV MAILGATE_Smtp__Address=0.0.0.0 \
    MAILGATE_Smtp__Port=2525 \
    MAILGATE_Http__Url=http://0.0.0.0:8025 \
    MAILGATE_Spool__Path=/var/lib/mailgate/spool \
    MAILGATE_Rules__Path=/etc/mailgate/rules.yaml \
    MAILGATE_Logging__Format=json
RUN mkdir -p /var/lib/mailgate/spool && chown -R ${APP_UID} /var/lib/mailgate
VOLUME ["/var/lib/mailgate"]
EXPOSE 2525 8025
USER ${APP_UID}
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "MailGate.dll"]
CMD ["serve"]
