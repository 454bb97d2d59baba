using System.Globalization;
using System.Text.RegularExpressions;
using MailGate.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace MailGate.Tests.Deploy;

/// <summary>
/// The deployment files of the repository (<c>deploy/kubernetes/*.yaml</c>, <c>deploy/compose/compose.replicas.yaml</c>,
/// the <c>Dockerfile</c>) read as plain data: YAML documents as nested dictionaries (string keys, scalars as
/// strings, merge keys <c>&lt;&lt;</c> applied), and the few navigation helpers the tests use.
/// </summary>
public static partial class DeployManifests
{
    /// <summary>The Kubernetes manifests folder, relative to the repository's root.</summary>
    public const string KubernetesFolder = "deploy/kubernetes";

    /// <summary>The compose file of the replicas setup, relative to the repository's root.</summary>
    public const string ComposeReplicas = "deploy/compose/compose.replicas.yaml";

    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every YAML document of <paramref name="relativePath"/>, each a mapping (empty documents left out).</summary>
    public static IReadOnlyList<IDictionary<object, object>> Documents(string relativePath)
    {
        var parser = new MergingParser(new Parser(new StringReader(RepositoryDocs.Read(relativePath))));
        parser.Consume<StreamStart>();
        var documents = new List<IDictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object?>(parser) is IDictionary<object, object> document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>Every Kubernetes object under <see cref="KubernetesFolder"/> (all <c>*.yaml</c> files but the kustomization), with its file.</summary>
    public static IReadOnlyList<(string File, IDictionary<object, object> Object)> KubernetesObjects() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryDocs.Root, KubernetesFolder), "*.yaml")
            .Select(Path.GetFileName)
            .Where(name => name != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .SelectMany(name => Documents($"{KubernetesFolder}/{name}").Select(o => (name!, o)))];

    /// <summary>The one object of <paramref name="kind"/> named <paramref name="name"/> (or the only one of its kind).</summary>
    public static IDictionary<object, object> Manifest(string kind, string? name = null) =>
        KubernetesObjects().Select(o => o.Object)
            .Single(o => Str(o, "kind") == kind && (name is null || Str(o, "metadata", "name") == name));

    /// <summary>The node at <paramref name="path"/> below <paramref name="node"/>, or null when a step is missing.</summary>
    public static object? At(object? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node is IDictionary<object, object> map && map.TryGetValue(step, out var next) ? next : null;
        }

        return node;
    }

    /// <summary>The scalar at <paramref name="path"/>, or null.</summary>
    public static string? Str(object? node, params string[] path) => At(node, path) as string;

    /// <summary>The mapping at <paramref name="path"/>, or an empty one.</summary>
    public static IDictionary<object, object> Map(object? node, params string[] path) =>
        At(node, path) as IDictionary<object, object> ?? new Dictionary<object, object>();

    /// <summary>The sequence at <paramref name="path"/>, or an empty one.</summary>
    public static IReadOnlyList<object> List(object? node, params string[] path) =>
        At(node, path) is List<object> list ? list : [];

    /// <summary>A string-to-string view of a mapping of scalars (labels, a compose environment).</summary>
    public static IReadOnlyDictionary<string, string> Strings(IDictionary<object, object> map) =>
        map.ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);

    /// <summary>An integer scalar at <paramref name="path"/> (fails the test when it is not one).</summary>
    public static int Number(object? node, params string[] path)
    {
        var text = Str(node, path);
        Assert.That(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value), Is.True, $"{string.Join('.', path)} is a whole number (is '{text}')");
        return value;
    }

    /// <summary>
    /// The value the Dockerfile's <c>ENV</c> gives <paramref name="name"/> (e.g. <c>MAILGATE_Smtp__Port</c>): the
    /// defaults the image runs with.
    /// </summary>
    public static string DockerfileEnv(string name)
    {
        var match = Regex.Match(RepositoryDocs.Read("Dockerfile"), $@"\b{Regex.Escape(name)}=(\S+)");
        Assert.That(match.Success, Is.True, $"the Dockerfile sets {name}");
        return match.Groups[1].Value;
    }

    /// <summary>A compose value with each <c>${NAME:-default}</c> replaced by its default, and <c>${NAME}</c> by nothing.</summary>
    public static string ComposeDefaults(string value) => ComposeVariable().Replace(value, m => m.Groups["default"].Value);

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-(?<default>[^}]*))?\}")]
    private static partial Regex ComposeVariable();
}
