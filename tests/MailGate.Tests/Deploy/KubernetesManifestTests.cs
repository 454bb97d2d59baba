using MailGate.Tests.Support;
using static MailGate.Tests.Deploy.DeployManifests;

namespace MailGate.Tests.Deploy;

/// <summary>
/// The manifests of <c>deploy/kubernetes/</c> (issue #14, "Deployment"), checked without a cluster: two or more
/// replicas on the PostgreSQL backend, probes on the paths the HTTP listener serves, environment variables that
/// are real configuration keys, the Secrets and the rules ConfigMap they reference, ports matching the image's
/// defaults, a PodDisruptionBudget and Services that select the Deployment's pods, and the hardening.
/// </summary>
[TestFixture]
public sealed class KubernetesManifestTests
{
    /// <summary>The environment variables MailGate's deployment may set that are not configuration keys.</summary>
    private static readonly string[] OtherVariables = ["PAGERDUTY_ROUTING_KEY", "PGPASSWORD", "PGPASSFILE"];

    /// <summary>The gateway's own limit after SIGTERM (docs/operations.md: it exits within 30 s).</summary>
    private const int DrainSeconds = 30;

    private static IDictionary<object, object> Deployment => Manifest("Deployment", "mailgate");

    private static IDictionary<object, object> Pod => Map(Deployment, "spec", "template", "spec");

    private static IDictionary<object, object> Container => (IDictionary<object, object>)List(Pod, "containers").Single();

    private static IReadOnlyDictionary<string, string> PodLabels => Strings(Map(Deployment, "spec", "template", "metadata", "labels"));

    private static IEnumerable<(string Name, IDictionary<object, object> Entry)> Env =>
        List(Container, "env").Cast<IDictionary<object, object>>().Select(e => (Str(e, "name")!, e));

    private static string? EnvValue(string name) => Env.Where(e => e.Name == name).Select(e => Str(e.Entry, "value")).SingleOrDefault();

    private static int ContainerPort(string name) =>
        List(Container, "ports").Cast<IDictionary<object, object>>().Where(p => Str(p, "name") == name).Select(p => Number(p, "containerPort")).Single();

    private static bool Selects(IDictionary<object, object> selector) =>
        Strings(selector).Count > 0 && Strings(selector).All(label => PodLabels.TryGetValue(label.Key, out var value) && value == label.Value);

    [Test]
    public void EveryManifest_IsAKubernetesObject_AndTheKustomizationListsThemButTheSecretExamples()
    {
        var objects = KubernetesObjects();
        var resources = List(Documents($"{KubernetesFolder}/kustomization.yaml").Single(), "resources").Cast<string>().ToArray();

        using (Assert.EnterMultipleScope())
        {
            foreach (var (file, o) in objects)
            {
                Assert.That(Str(o, "apiVersion"), Is.Not.Empty, $"{file}: apiVersion");
                Assert.That(Str(o, "metadata", "name"), Is.Not.Empty, $"{file}: metadata.name");
            }

            Assert.That(objects.Select(o => Str(o.Object, "kind")), Is.SupersetOf(new[] { "Deployment", "PodDisruptionBudget", "Service", "ConfigMap", "Secret" }));
            Assert.That(resources, Is.EquivalentTo(objects.Where(o => Str(o.Object, "kind") != "Secret").Select(o => o.File).Distinct()),
                "kustomization.yaml applies every manifest but the Secret examples (which must never overwrite real Secrets)");
        }
    }

    [Test]
    public void Deployment_RunsTwoOrMoreReplicas_OnPostgres_WithoutAPasswordInTheConnectionString()
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(EnvValue("MAILGATE_Spool__ConnectionString"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Number(Deployment, "spec", "replicas"), Is.GreaterThanOrEqualTo(2));
            Assert.That(Selects(Map(Deployment, "spec", "selector", "matchLabels")), Is.True, "the selector matches the pod template's labels");
            Assert.That(Str(Deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"), Is.EqualTo("0"), "a rolling update keeps every replica serving");
            Assert.That(EnvValue("MAILGATE_Spool__Backend"), Is.EqualTo("postgres"));
            Assert.That(connection.Host, Is.Not.Empty);
            Assert.That(connection.Database, Is.Not.Empty);
            Assert.That(connection.Password, Is.Null, "the password comes from a Secret (PGPASSWORD), not the connection string");
        }
    }

    [Test]
    public void EnvironmentVariables_AreConfigurationKeys_OrTheRoutingKeyAndPasswordVariables()
    {
        var rules = Str(Manifest("ConfigMap", "mailgate-rules"), "data", "rules.yaml")!;

        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, _) in Env)
            {
                Assert.That(name.StartsWith("MAILGATE_", StringComparison.Ordinal) ? ConfigurationKeys.IsKnown(name) : OtherVariables.Contains(name), Is.True,
                    $"{name} is a configuration key (MAILGATE_Section__Key) or one of {string.Join(", ", OtherVariables)}");
            }

            Assert.That(rules, Does.Contain("${PAGERDUTY_ROUTING_KEY}"), "the rules name the routing key variable the Deployment sets");
        }
    }

    [Test]
    public void SecretsTheDeploymentReads_ExistInTheExample_WithPlaceholdersOnly()
    {
        var secrets = KubernetesObjects().Select(o => o.Object).Where(o => Str(o, "kind") == "Secret").ToArray();
        var references = Env.Select(e => Map(e.Entry, "valueFrom", "secretKeyRef")).Where(r => r.Count > 0).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Env.Where(e => e.Name is "PAGERDUTY_ROUTING_KEY" or "PGPASSWORD").Select(e => Str(e.Entry, "valueFrom", "secretKeyRef", "name")),
                Has.All.Not.Null, "the routing key and the database password come from Secrets");
            foreach (var reference in references)
            {
                var secret = secrets.SingleOrDefault(s => Str(s, "metadata", "name") == Str(reference, "name"));
                Assert.That(secret, Is.Not.Null, $"Secret {Str(reference, "name")} is in secrets.example.yaml");
                Assert.That(Map(secret, "stringData").Keys.Concat(Map(secret, "data").Keys), Does.Contain(Str(reference, "key")), $"Secret {Str(reference, "name")} has key {Str(reference, "key")}");
            }

            Assert.That(secrets.SelectMany(s => Strings(Map(s, "stringData")).Values), Has.All.StartWith("REPLACE-"), "the examples hold placeholders, no secret");
        }
    }

    [Test]
    public void RulesConfigMap_IsMountedWhereTheImageReadsRules_AndIsTheShippedRulesFile()
    {
        var volume = List(Pod, "volumes").Cast<IDictionary<object, object>>().Single(v => Map(v, "configMap").Count > 0);
        var mount = List(Container, "volumeMounts").Cast<IDictionary<object, object>>().Single(m => Str(m, "name") == Str(volume, "name"));
        var item = (IDictionary<object, object>)List(volume, "configMap", "items").Single();
        var configMap = Manifest("ConfigMap", Str(volume, "configMap", "name"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Str(item, "key"), Is.EqualTo("rules.yaml"));
            Assert.That($"{Str(mount, "mountPath")}/{Str(item, "path")}", Is.EqualTo(DockerfileEnv("MAILGATE_Rules__Path")));
            Assert.That(Str(mount, "subPath"), Is.Null, "the folder is mounted (a subPath mount never sees ConfigMap edits)");
            Assert.That(Str(configMap, "data", "rules.yaml"), Is.EqualTo(RepositoryDocs.Read("rules/rules.yaml")), "the example is a copy of rules/rules.yaml");
        }
    }

    [Test]
    public void PortsAndServices_MatchTheImageDefaults()
    {
        var smtp = Manifest("Service", "mailgate-smtp");
        var http = Manifest("Service", "mailgate-http");
        var smtpPort = (IDictionary<object, object>)List(smtp, "spec", "ports").Single();
        var httpPort = (IDictionary<object, object>)List(http, "spec", "ports").Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ContainerPort("smtp"), Is.EqualTo(int.Parse(DockerfileEnv("MAILGATE_Smtp__Port"), System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(ContainerPort("http"), Is.EqualTo(new Uri(DockerfileEnv("MAILGATE_Http__Url")).Port));
            Assert.That(Str(smtp, "spec", "type"), Is.EqualTo("LoadBalancer"));
            Assert.That((Number(smtpPort, "port"), Str(smtpPort, "targetPort")), Is.EqualTo((25, "smtp")));
            Assert.That(Str(http, "spec", "type"), Is.EqualTo("ClusterIP"));
            Assert.That(Str(httpPort, "targetPort"), Is.EqualTo("http"));
            Assert.That(Selects(Map(smtp, "spec", "selector")) && Selects(Map(http, "spec", "selector")), Is.True, "both Services select the Deployment's pods");
        }
    }

    [Test]
    public void Probes_UseTheHealthPaths_OnTheHttpPort_AndTheGraceCoversTheDrain()
    {
        var preStop = List(Container, "lifecycle", "preStop", "exec", "command").Cast<string>().ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Str(Container, "readinessProbe", "httpGet", "path"), Is.EqualTo("/readyz"));
            Assert.That(Str(Container, "livenessProbe", "httpGet", "path"), Is.EqualTo("/healthz"));
            Assert.That(new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Select(p => Str(Container, p, "httpGet", "port")), Has.All.EqualTo("http"));
            Assert.That(preStop, Has.Length.EqualTo(2).And.Exactly(1).EqualTo("sleep"));
            Assert.That(Number(Pod, "terminationGracePeriodSeconds"), Is.GreaterThan(int.Parse(preStop[1], System.Globalization.CultureInfo.InvariantCulture) + DrainSeconds),
                "the grace period covers the preStop pause and the gateway's 30 s drain");
        }
    }

    [Test]
    public void PodDisruptionBudget_KeepsOneReplica_OfTheDeploymentsPods()
    {
        var budget = Manifest("PodDisruptionBudget");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Number(budget, "spec", "minAvailable"), Is.EqualTo(1));
            Assert.That(Strings(Map(budget, "spec", "selector", "matchLabels")), Is.EquivalentTo(Strings(Map(Deployment, "spec", "selector", "matchLabels"))));
        }
    }

    [Test]
    public void Container_RunsAsUser1654_ReadOnly_WithoutCapabilities()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Str(Pod, "securityContext", "runAsUser"), Is.EqualTo("1654"));
            Assert.That(Str(Pod, "securityContext", "runAsNonRoot"), Is.EqualTo("true"));
            Assert.That(Str(Container, "securityContext", "readOnlyRootFilesystem"), Is.EqualTo("true"));
            Assert.That(Str(Container, "securityContext", "allowPrivilegeEscalation"), Is.EqualTo("false"));
            Assert.That(List(Container, "securityContext", "capabilities", "drop"), Is.EqualTo(new[] { "ALL" }));
            Assert.That(List(Container, "volumeMounts").Cast<IDictionary<object, object>>().Select(m => Str(m, "mountPath")), Does.Contain("/tmp"), "a writable /tmp on the read-only root");
        }
    }
}
