using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Buquet.Host.Tests.Deploy;

/// <summary>A probe a deploy file declares: an HTTP GET of <see cref="Path"/> on <see cref="Port"/>.</summary>
public sealed record DeclaredProbe(string Name, string Path, int Port);

/// <summary>A probe that runs a command in the container (compose <c>healthcheck</c>): healthy when it exits 0.</summary>
public sealed record CommandProbe(string Name, IReadOnlyList<string> Argv);

/// <summary>
/// How a deploy file starts the worker, with image paths already mapped to this machine: the command line, the
/// environment (image ENV &lt; the file's own), the working directory and the probes it declares.
/// </summary>
public sealed record LaunchSpec(string Name, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Env, string WorkingDirectory, IReadOnlyList<DeclaredProbe> Probes)
{
    public IReadOnlyList<CommandProbe> CommandProbes { get; init; } = [];

    /// <summary>Ports the file declares open (Dockerfile EXPOSE, compose expose/ports, container ports).</summary>
    public IReadOnlyList<int> DeclaredPorts { get; init; } = [];
}

/// <summary>Reads deploy/ (Dockerfile, compose, Kubernetes) into <see cref="LaunchSpec"/>s.</summary>
public static class DeployManifests
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Dockerfile => Path.Combine(RepositoryRoot, "deploy", "container", "Dockerfile");

    /// <summary>What the downward API's <c>status.podIP</c> gives a container here: the loopback address.</summary>
    public const string PodIp = "127.0.0.1";

    /// <summary>Every document of deploy/k8s, in file order.</summary>
    public static IReadOnlyList<Dictionary<string, object>> KubernetesDocuments() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "deploy", "k8s"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(LoadAll).Where(d => d is not null).Select(Map).ToList();

    /// <summary>The services of deploy/compose/compose.yml, anchors and merge keys resolved.</summary>
    public static Dictionary<string, object> ComposeServices() =>
        Map(Map(LoadAll(Path.Combine(RepositoryRoot, "deploy", "compose", "compose.yml")).Single())["services"]);

    /// <summary>The image run with its defaults, given <paramref name="runEnv"/> as <c>docker run -e</c> would.</summary>
    public static LaunchSpec DockerRun(string publishOutput, IReadOnlyDictionary<string, string> runEnv)
    {
        var image = ImageSpec.Parse(Dockerfile, RepositoryRoot, publishOutput);
        return Launch("docker run", image, image.Entrypoint, image.Cmd, Merge(image.Env, runEnv), image.WorkDir, image.Paths, []) with { DeclaredPorts = image.Exposed };
    }

    /// <summary>
    /// The compose <paramref name="service"/>: the image built from its <c>build</c> section, its command and environment
    /// (anchors and merge keys resolved); URLs naming another compose service (<c>http://minio:9000</c>) point at
    /// <paramref name="s3Endpoint"/> instead, the one thing this machine cannot resolve.
    /// </summary>
    public static LaunchSpec ComposeService(string service, string publishOutput, string s3Endpoint)
    {
        var file = Path.Combine(RepositoryRoot, "deploy", "compose", "compose.yml");
        var services = ComposeServices();
        var spec = Map(services[service]);
        var build = Map(spec["build"]);
        var context = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Str(build["context"])));
        var image = ImageSpec.Parse(Path.Combine(context, Str(build["dockerfile"])), context, publishOutput);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Environment(spec.GetValueOrDefault("environment")))
        {
            env[key] = Uri.TryCreate(value, UriKind.Absolute, out var url) && services.ContainsKey(url.Host) ? s3Endpoint : value;
        }

        return Launch($"compose service {service}", image, Words(spec.GetValueOrDefault("entrypoint")) ?? image.Entrypoint,
            Words(spec.GetValueOrDefault("command")) ?? image.Cmd, Merge(image.Env, env), Str(spec.GetValueOrDefault("working_dir") ?? image.WorkDir), image.Paths, [])
            with
            {
                CommandProbes = spec.TryGetValue("healthcheck", out var check) ? [HealthCheck(Map(check))] : [],
                DeclaredPorts = [.. image.Exposed, .. List(spec.GetValueOrDefault("expose")).Select(Int)],
            };
    }

    /// <summary>A compose healthcheck's <c>test</c> as the engine runs it inside the container (CMD: exec; CMD-SHELL: sh -c).</summary>
    private static CommandProbe HealthCheck(Dictionary<string, object> check)
    {
        var test = check["test"] is string shell ? ["CMD-SHELL", shell] : List(check["test"]).Select(Str).ToList();
        // Compose interpolates ${VAR} from the host's environment when it reads the file; $$ is a literal $.
        var words = test.Skip(1).Select(w => w.Replace("$$", "\u0000", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(words, w => w.Contains('$', StringComparison.Ordinal));
        words = words.Select(w => w.Replace("\u0000", "$", StringComparison.Ordinal)).ToList();
        return test[0] switch
        {
            "CMD" => new CommandProbe("compose healthcheck", words),
            "CMD-SHELL" => new CommandProbe("compose healthcheck", ["/bin/sh", "-c", string.Join(' ', words)]),
            _ => throw new InvalidOperationException($"healthcheck test {test[0]} is not supported here"),
        };
    }

    /// <summary>
    /// The first container of the Deployment in deploy/k8s: its args/command, env and envFrom (<paramref name="secrets"/>
    /// stand in for the cluster's Secrets, which deploy/ does not hold), every ConfigMap volume written to
    /// <paramref name="mountRoot"/> and mapped at its mountPath, and its httpGet probes with named ports resolved.
    /// </summary>
    public static LaunchSpec KubernetesDeployment(string publishOutput, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets, string mountRoot)
    {
        var docs = KubernetesDocuments();
        var deployment = docs.Single(d => Str(d["kind"]) == "Deployment");
        var pod = Map(Map(Map(deployment["spec"])["template"])["spec"]);
        var container = Map(List(pod["containers"])[0]);
        var image = ImageSpec.Parse(Dockerfile, RepositoryRoot, publishOutput);
        var configMaps = docs.Where(d => Str(d["kind"]) == "ConfigMap").ToDictionary(d => Str(Map(d["metadata"])["name"]), d => Map(d["data"]));

        var env = new Dictionary<string, string>(image.Env, StringComparer.Ordinal);
        foreach (var source in List(container.GetValueOrDefault("envFrom")).Select(Map))
        {
            var values = source.TryGetValue("secretRef", out var secret) ? secrets[Str(Map(secret)["name"])]
                : configMaps[Str(Map(source["configMapRef"])["name"])].ToDictionary(p => Str(p.Key), p => Str(p.Value));
            foreach (var (key, value) in values)
            {
                env[key] = value;
            }
        }

        foreach (var variable in List(container.GetValueOrDefault("env")).Select(Map))
        {
            env[Str(variable["name"])] = variable.TryGetValue("value", out var literal) ? Str(literal) : FieldRef(variable);
        }

        var volumes = List(pod.GetValueOrDefault("volumes")).Select(Map).ToDictionary(v => Str(v["name"]));
        foreach (var mount in List(container.GetValueOrDefault("volumeMounts")).Select(Map))
        {
            var volume = volumes[Str(mount["name"])];
            var data = configMaps[Str(Map(volume["configMap"])["name"])];
            var directory = Path.Combine(mountRoot, Str(mount["name"]));
            Directory.CreateDirectory(directory);
            foreach (var (key, value) in data)
            {
                File.WriteAllText(Path.Combine(directory, Str(key)), Str(value));
            }

            image.Paths.Add(Str(mount["mountPath"]), directory);
        }

        var ports = List(container.GetValueOrDefault("ports")).Select(Map).ToDictionary(p => Str(p.GetValueOrDefault("name") ?? p["containerPort"]), p => Int(p["containerPort"]));
        var probes = new List<DeclaredProbe>();
        foreach (var kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            if (container.GetValueOrDefault(kind) is { } probe)
            {
                var get = Map(Map(probe)["httpGet"]);
                var port = Str(get["port"]);
                probes.Add(new DeclaredProbe(kind, Str(get["path"]), ports.TryGetValue(port, out var named) ? named : Int(port)));
            }
        }

        return Launch("kubernetes deployment", image, Words(container.GetValueOrDefault("command")) ?? image.Entrypoint,
            Words(container.GetValueOrDefault("args")) ?? image.Cmd, env, Str(container.GetValueOrDefault("workingDir") ?? image.WorkDir), image.Paths, probes)
            with { DeclaredPorts = [.. ports.Values] };
    }

    /// <summary>An env value from the downward API: only <c>status.podIP</c> (<see cref="PodIp"/>) is supported here.</summary>
    private static string FieldRef(Dictionary<string, object> variable)
    {
        var path = Str(Map(Map(variable["valueFrom"])["fieldRef"])["fieldPath"]);
        Assert.True(path == "status.podIP", $"env {Str(variable["name"])}: only literal values and status.podIP are supported here, got {path}");
        return PodIp;
    }

    private static LaunchSpec Launch(string name, ImageSpec image, IReadOnlyList<string> entrypoint, IReadOnlyList<string> cmd, IReadOnlyDictionary<string, string> env,
        string workDir, PathMap paths, IReadOnlyList<DeclaredProbe> probes)
    {
        Assert.NotEmpty(image.Entrypoint);
        var argv = entrypoint.Concat(cmd).Select(paths.MapValue).ToList();
        var mappedEnv = env.ToDictionary(p => p.Key, p => paths.MapValue(p.Value), StringComparer.Ordinal);
        var directory = paths.TryMap(workDir) ?? throw new InvalidOperationException($"{name}: working directory {workDir} is not a mapped image path");
        return new LaunchSpec(name, argv, mappedEnv, directory, probes);
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> lower, IReadOnlyDictionary<string, string> higher)
    {
        var result = new Dictionary<string, string>(lower, StringComparer.Ordinal);
        foreach (var (key, value) in higher)
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>Every document of a YAML file, anchors and merge keys (<c>&lt;&lt;: *x</c>) resolved.</summary>
    public static IEnumerable<object?> LoadAll(string path)
    {
        var parser = new MergingParser(new Parser(new StringReader(File.ReadAllText(path))));
        var deserializer = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var documents = new List<object?>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(deserializer.Deserialize(parser));
        }

        return documents;
    }

    private static IEnumerable<KeyValuePair<string, string>> Environment(object? node) => node switch
    {
        null => [],
        IDictionary<object, object> map => map.Select(p => new KeyValuePair<string, string>(Str(p.Key), Str(p.Value))),
        IList<object> list => list.Select(Str).Select(e => new KeyValuePair<string, string>(e.Split('=', 2)[0], e.Split('=', 2)[1])),
        _ => throw new InvalidOperationException($"environment: unexpected {node.GetType().Name}"),
    };

    private static List<string>? Words(object? node) => node switch
    {
        null => null,
        IList<object> list => list.Select(Str).ToList(),
        string text => [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)],
        _ => throw new InvalidOperationException($"command: unexpected {node.GetType().Name}"),
    };

    public static Dictionary<string, object> Map(object? node) =>
        (node as IDictionary<object, object> ?? throw new InvalidOperationException($"expected a YAML mapping, found {node?.GetType().Name ?? "nothing"}"))
            .ToDictionary(p => Str(p.Key), p => p.Value, StringComparer.Ordinal);

    public static IList<object> List(object? node) => node as IList<object> ?? [];

    public static string Str(object? node) => node as string ?? throw new InvalidOperationException($"expected a YAML scalar, found {node?.GetType().Name ?? "nothing"}");

    public static int Int(object? node) => int.Parse(Str(node), CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Buquet.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Buquet.Actors.sln not found above " + AppContext.BaseDirectory);
    }
}
