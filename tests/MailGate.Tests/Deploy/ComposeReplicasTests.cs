using System.Globalization;
using MailGate.Tests.Support;
using static MailGate.Tests.Deploy.DeployManifests;

namespace MailGate.Tests.Deploy;

/// <summary>
/// <c>deploy/compose/compose.replicas.yaml</c> (issue #14, "Deployment"): PostgreSQL with an overridable image and
/// two or more MailGate replicas on it, each with its own published SMTP port, health checks, configuration
/// keys that exist, and the database password only in mounted secrets (never in the connection string). CI also
/// runs the file (.ci/compose-smoke.sh); this checks what a run does not show.
/// </summary>
[TestFixture]
public sealed class ComposeReplicasTests
{
    private static IDictionary<object, object> File => Documents(ComposeReplicas).Single();

    private static IDictionary<object, object> Services => Map(File, "services");

    private static IDictionary<object, object> Postgres => Map(Services, "postgres");

    /// <summary>The MailGate services: those on the PostgreSQL backend.</summary>
    private static IReadOnlyList<(string Name, IDictionary<object, object> Service)> Replicas =>
        [.. Services.Where(s => Str(s.Value, "environment", "MAILGATE_Spool__Backend") == "postgres").Select(s => ((string)s.Key, (IDictionary<object, object>)s.Value))];

    private static IEnumerable<string> SecretsOf(object service) => List(service, "secrets").Cast<string>();

    [Test]
    public void Postgres_ImageIsOverridable_AndItsPasswordIsAMountedSecret()
    {
        var environment = Strings(Map(Postgres, "environment"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Str(Postgres, "image"), Does.Match(@"^\$\{POSTGRES_IMAGE:-postgres:\d+\}$"), "CI has no registry: the image must be replaceable");
            Assert.That(environment.Keys, Does.Not.Contain("POSTGRES_PASSWORD"));
            Assert.That(environment["POSTGRES_PASSWORD_FILE"], Is.EqualTo($"/run/secrets/{SecretsOf(Postgres).Single()}"));
            Assert.That(Map(File, "secrets").Keys, Does.Contain(SecretsOf(Postgres).Single()));
            Assert.That(List(Postgres, "healthcheck", "test"), Is.Not.Empty);
        }
    }

    [Test]
    public void Replicas_AreTwoOrMore_OnPostgres_WithThePasswordFromAPassfileSecret()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Replicas, Has.Count.GreaterThanOrEqualTo(2));
            foreach (var (name, service) in Replicas)
            {
                var environment = Strings(Map(service, "environment"));
                var connection = new Npgsql.NpgsqlConnectionStringBuilder(ComposeDefaults(environment["MAILGATE_Spool__ConnectionString"]));
                Assert.That(connection.Host, Is.EqualTo("postgres"), $"{name}: the database is the postgres service");
                Assert.That(connection.Database, Is.EqualTo(Strings(Map(Postgres, "environment"))["POSTGRES_DB"]), $"{name}: the database PostgreSQL creates");
                Assert.That(connection.Password, Is.Null, $"{name}: no password in the connection string");
                Assert.That(environment.Keys, Does.Not.Contain("PGPASSWORD"), $"{name}: the password stays in a file");
                Assert.That(environment["PGPASSFILE"], Is.EqualTo($"/run/secrets/{SecretsOf(service).Single()}"), $"{name}: Npgsql reads the mounted password file");
                Assert.That(Map(File, "secrets").Keys, Does.Contain(SecretsOf(service).Single()));
                Assert.That(Str(service, "depends_on", "postgres", "condition"), Is.EqualTo("service_healthy"), $"{name}: starts once PostgreSQL answers");
                foreach (var key in environment.Keys.Where(k => k.StartsWith("MAILGATE_", StringComparison.Ordinal)))
                {
                    Assert.That(ConfigurationKeys.IsKnown(key), Is.True, $"{name}: {key} is a configuration key");
                }
            }
        }
    }

    [Test]
    public void Replicas_PublishTheirOwnSmtpPort_HttpOnLoopback_WithHealthChecks_AndHardening()
    {
        var smtpPort = DockerfileEnv("MAILGATE_Smtp__Port");
        var httpPort = new Uri(DockerfileEnv("MAILGATE_Http__Url")).Port.ToString(CultureInfo.InvariantCulture);
        var published = new List<string>();

        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, service) in Replicas)
            {
                var ports = List(service, "ports").Cast<string>().Select(p => ComposeDefaults(p).Split(':')).ToArray();
                var smtp = ports.Single(p => p[^1] == smtpPort);
                var http = ports.Single(p => p[^1] == httpPort);
                published.Add(smtp[^2]);
                Assert.That(http[0], Is.EqualTo("127.0.0.1"), $"{name}: /metrics and /readyz are not for the internet");
                Assert.That(List(service, "healthcheck", "test"), Does.Contain("health"), $"{name}: health check");
                Assert.That(Str(service, "read_only"), Is.EqualTo("true"), $"{name}: read-only root");
                Assert.That(List(service, "cap_drop"), Is.EqualTo(new[] { "ALL" }), $"{name}: no capabilities");
                Assert.That(TimeSpan.Parse("00:00:" + Str(service, "stop_grace_period")!.TrimEnd('s'), CultureInfo.InvariantCulture),
                    Is.GreaterThan(TimeSpan.FromSeconds(30)), $"{name}: the stop waits for the 30 s drain");
                Assert.That(List(service, "volumes").Cast<string>(), Has.Some.EndsWith(":/etc/mailgate:ro"), $"{name}: the rules folder");
            }

            Assert.That(published, Is.Unique, "each replica has its own SMTP host port");
        }
    }
}
