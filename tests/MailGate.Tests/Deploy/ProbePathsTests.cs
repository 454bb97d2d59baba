using MailGate.Tests.Support;
using static MailGate.Tests.Deploy.DeployManifests;

namespace MailGate.Tests.Deploy;

/// <summary>Every HTTP probe path in <c>deploy/kubernetes/</c> is served by the gateway's HTTP listener, with 200 when healthy.</summary>
[TestFixture]
public sealed class ProbePathsTests : GatewayTestBase
{
    private static IEnumerable<string> ProbePaths() =>
        KubernetesObjects()
            .SelectMany(o => List(o.Object, "spec", "template", "spec", "containers"))
            .SelectMany(c => new[] { "readinessProbe", "livenessProbe", "startupProbe" }.Select(p => Str(c, p, "httpGet", "path")))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);

    [Test]
    public async Task EveryProbePath_AnswersOk_OnTheHttpListener()
    {
        var paths = ProbePaths().ToArray();
        using var http = new HttpClient();

        Assert.That(paths, Is.SupersetOf(new[] { "/healthz", "/readyz" }));
        foreach (var path in paths)
        {
            using var response = await http.GetAsync(new Uri(Gateway.HttpUrl, path));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        }
    }
}
